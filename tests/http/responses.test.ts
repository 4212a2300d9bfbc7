// `response` filters what goes out (every mode) and checks it (outside
// production); `status` sets the success code; mistakes stop the start.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get, post } from 'dara-ts/http'
import { z } from 'zod'
import { buildApp, buildLoggedApp, SECRET } from '../helpers/app.ts'
import { listen } from '../helpers/listen.ts'

const JSON_TYPE = 'application/json; charset=utf-8'
const user = z.object({ id: z.number().int(), name: z.string(), tags: z.array(z.string()) })
const created = z.object({ id: z.number().int(), created: z.literal(true) })

function responsesConfig(answer: () => unknown): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  // Sound for the tests: they hand in values the schema refuses on purpose, past its type.
  config.addEndpoint(
    get('/user', { authenticated: false, response: user }, () => answer() as z.input<typeof user>),
  )
  config.addEndpoint(
    post(
      '/users',
      { authenticated: false, status: 201, response: { 201: created, 200: user } },
      ({ query }) =>
        query['existing'] === '1'
          ? { id: 1, name: 'ada', tags: [], password: 'x' }
          : { id: 2, created: true as const, secret: 'x' },
    ),
  )
  config.addEndpoint(post('/plain', { authenticated: false, status: 201 }, () => ({ a: 1, b: 2 })))
  return config
}

void test('unknown keys are dropped, nested ones too, on a real socket', async (t) => {
  const { baseUrl } = await listen(
    t,
    responsesConfig(() => ({ id: 1, name: 'ada', tags: ['x'], password: 'hash', extra: { a: 1 } })),
  )
  const res = await fetch(`${baseUrl}/api/user`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), JSON_TYPE)
  assert.equal(await res.text(), '{"id":1,"name":"ada","tags":["x"]}')
})

void test('status sets the success code; a map picks the schema of the status sent', async (t) => {
  const app = buildApp(
    t,
    responsesConfig(() => null),
  )
  const made = await app.inject({ method: 'POST', url: '/api/users' })
  assert.equal(made.statusCode, 201)
  assert.equal(made.headers['content-type'], JSON_TYPE)
  assert.equal(made.body, '{"id":2,"created":true}')
  const plain = await app.inject({ method: 'POST', url: '/api/plain' })
  assert.equal(plain.statusCode, 201)
  assert.equal(plain.body, '{"a":1,"b":2}')
})

void test('the handler may choose another status of the map with reply.code()', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post(
      '/users',
      { authenticated: false, status: 201, response: { 201: created, 200: user } },
      ({ reply }) => {
        reply.code(200)
        return { id: 1, name: 'ada', tags: [], password: 'x' }
      },
    ),
  )
  const app = buildApp(t, config)
  const res = await app.inject({ method: 'POST', url: '/api/users' })
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, '{"id":1,"name":"ada","tags":[]}')
})

void test('outside production a value the schema refuses is a 500, the fields in the log', async (t) => {
  const { app, logs } = buildLoggedApp(
    t,
    responsesConfig(() => ({ id: 'one', name: 'ada', tags: [] })),
  )
  const res = await app.inject({ method: 'GET', url: '/api/user' })
  assert.equal(res.statusCode, 500)
  assert.deepEqual(res.json(), { detail: 'Internal Server Error' })
  const line = logs.find((l) => l.msg === 'Unhandled error')
  assert.equal(
    line?.err?.message,
    'DARA_ERR_RESPONSE_INVALID: GET /api/user answered 200 with a value its response schema refuses (id: Invalid input: expected number, received string). Return what the schema describes, or change the schema.',
  )
})

void test('in production the value is not checked, and still filtered', async (t) => {
  const before = process.env['NODE_ENV']
  process.env['NODE_ENV'] = 'production'
  let app
  try {
    app = createApp(
      responsesConfig(() => ({ id: 1, name: 'ada', tags: ['x'], password: 'hash' })),
      { logger: false, secret: SECRET },
    )
  } finally {
    if (before === undefined) delete process.env['NODE_ENV']
    else process.env['NODE_ENV'] = before
  }
  t.after(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/api/user' })
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, '{"id":1,"name":"ada","tags":["x"]}')
  // Unchecked, a value that lacks a required key still cannot go out: the serializer refuses it.
  const made = await app.inject({ method: 'POST', url: '/api/users?existing=1' })
  assert.equal(made.statusCode, 500)
  assert.deepEqual(made.json(), { detail: 'Internal Server Error' })
})

void test('a bad status, response or operationId stops the start with the route named', () => {
  const cases: [ReturnType<typeof get>, string][] = [
    [
      get('/x', { status: 42, response: z.null() }, () => null),
      'DARA_ERR_ROUTE_INVALID: GET /x: `status` must be an HTTP status code (100 to 599)',
    ],
    [
      // Sound for the test: a map keyed by something else than a status, past its type.
      get('/x', { response: { ok: user } as unknown as z.ZodNull }, () => null),
      'DARA_ERR_ROUTE_INVALID: GET /x: `response` must be a zod schema, or an object of zod schemas by status code ({ 200: schema })',
    ],
  ]
  for (const [route, message] of cases) {
    const config = new ConfigurationBuilder()
    config.addEndpoint(route)
    assert.throws(() => createApp(config, { logger: false, secret: SECRET }), { message })
  }
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/a', { operationId: 'same' }, () => null))
  config.addEndpoint(get('/b', { operationId: 'same' }, () => null))
  assert.throws(() => createApp(config, { logger: false, secret: SECRET }), {
    message:
      'DARA_ERR_ROUTE_INVALID: GET /api/b: operationId "same" is also the id of GET /api/a; give each route its own',
  })
})
