// One log line per request: at info in development, at debug in production,
// where the default level leaves it out.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { get } from 'dara-ts/http'
import { buildLoggedApp } from '../helpers/app.ts'

function withNodeEnv(t: TestContext, value: string | undefined): void {
  const before = process.env['NODE_ENV']
  if (value === undefined) delete process.env['NODE_ENV']
  else process.env['NODE_ENV'] = value
  t.after(() => {
    if (before === undefined) delete process.env['NODE_ENV']
    else process.env['NODE_ENV'] = before
  })
}

function config(): ConfigurationBuilder {
  const c = new ConfigurationBuilder()
  c.addEndpoint(get('/ping', { authenticated: false }, () => 'pong'))
  return c
}

const requestLines = (logs: readonly { msg: string; [key: string]: unknown }[]) =>
  logs
    .filter((l) => l.msg === 'request')
    .map(({ level, method, url, status }) => ({ level, method, url, status }))

void test('outside production each request is one info line', async (t) => {
  withNodeEnv(t, undefined)
  const { app, logs } = buildLoggedApp(t, config())
  assert.equal((await app.inject({ url: '/api/ping' })).statusCode, 200)
  assert.deepEqual(requestLines(logs), [
    { level: 30, method: 'GET', url: '/api/ping', status: 200 },
  ])
})

void test('in production the request line is at debug: left out at info, kept at debug', async (t) => {
  withNodeEnv(t, 'production')
  const quiet = buildLoggedApp(t, config())
  assert.equal((await quiet.app.inject({ url: '/api/ping' })).statusCode, 200)
  assert.deepEqual(requestLines(quiet.logs), [])

  const verbose = buildLoggedApp(t, config(), 'debug')
  assert.equal((await verbose.app.inject({ url: '/api/ping' })).statusCode, 200)
  assert.deepEqual(requestLines(verbose.logs), [
    { level: 20, method: 'GET', url: '/api/ping', status: 200 },
  ])
})
