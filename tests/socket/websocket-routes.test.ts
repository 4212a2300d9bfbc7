// Where a ws() route shows: mounted through a component's requiredRoutes like
// any route, listed in the route manifest as WS, absent from the OpenAPI
// paths (a websocket is no HTTP operation) while the document stays valid 3.1,
// and refused at start when it collides with a GET on its path.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { ComponentInstance } from 'dara-ts/definitions'
import { get, ws } from 'dara-ts/http'
import { routeManifest } from 'dara-ts/testing'
import { buildApp } from '../helpers/auth.ts'
import { listen } from '../helpers/listen.ts'
import { connect, nextMessage } from '../helpers/ws-client.ts'

const feed = ws('/feed', { authenticated: false, messageRate: 10 }, function feed(socket) {
  socket.send('welcome')
})

class LiveFeed extends ComponentInstance {
  static override requiredRoutes = [feed]
}

function configWithComponent(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addComponent(LiveFeed)
  config.addEndpoint(get('/plain', () => 1))
  return config
}

void test("a component's requiredRoutes mounts its ws() route", async (t) => {
  const { baseUrl } = await listen(t, configWithComponent())
  const socket = await connect(`${baseUrl.replace('http:', 'ws:')}/api/feed`)
  assert.equal(await nextMessage(socket), 'welcome')
  socket.close()
})

void test('the route manifest lists a ws() route as WS, with its origin and message rate', async () => {
  const routes = await routeManifest(configWithComponent())
  assert.deepEqual(
    routes.find((route) => route.path === '/api/feed'),
    {
      method: 'WS',
      path: '/api/feed',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: { messages: '10 a second' },
      configurations: [],
      dependencies: [],
      origin: 'component LiveFeed',
    },
  )
})

void test('the OpenAPI document leaves a ws() route out of its paths and stays valid 3.1', async (t) => {
  const app = buildApp(t, configWithComponent())
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' })
  assert.equal(res.statusCode, 200)
  const doc = res.json<{ paths: Record<string, unknown> }>()
  assert.equal(doc.paths['/api/feed'], undefined)
  assert.ok(doc.paths['/api/plain'])
  const result = await new Validator().validate(structuredClone(doc))
  assert.deepEqual(result.errors, undefined)
  assert.equal(result.valid, true)
})

void test('a ws() route and a get() on the same path stop the start with DARA_ERR_ROUTE_DUPLICATE', () => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(ws('/live', () => undefined))
  config.addEndpoint(get('/live', () => 1))
  assert.throws(
    () => createApp(config, { logger: false, secret: 'x'.repeat(32) }),
    (error: Error) =>
      error.message.startsWith('DARA_ERR_ROUTE_DUPLICATE: GET /api/live is declared twice'),
  )
})
