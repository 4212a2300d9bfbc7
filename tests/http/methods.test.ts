// The method helpers, the routes they return, what a handler's return value
// becomes on the wire, and where a route's url mounts.
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { ApiRoute as DefinitionsApiRoute } from 'dara-ts/definitions'
import { ApiRoute, del, get, patch, post, put } from 'dara-ts/http'
import * as http from 'dara-ts/http'
import { buildApp, call, callGet } from '../helpers/app.ts'

const JSON_TYPE = 'application/json; charset=utf-8'

void test('each helper declares its own method, and http.delete is del', async (t) => {
  assert.equal(http.delete, del)
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/method', ({ request }) => request.method))
  config.addEndpoint(post('/method', ({ request }) => request.method))
  config.addEndpoint(put('/method', ({ request }) => request.method))
  config.addEndpoint(patch('/method', ({ request }) => request.method))
  config.addEndpoint(http.delete('/method', ({ request }) => request.method))
  const app = buildApp(t, config)

  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    const res = await call(app, { method, url: '/api/method' })
    assert.equal(res.statusCode, 200, method)
    assert.equal(res.json(), method)
  }
  const options = await call(app, { method: 'OPTIONS', url: '/api/method' })
  assert.equal(options.statusCode, 204)
  assert.equal(options.headers['allow'], 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS')
})

void test('helper(url, handler) returns an ApiRoute with empty options, authenticated', () => {
  const handler = () => 'Hello World'
  const route = get('custom/', handler)
  assert.ok(route instanceof ApiRoute)
  assert.equal(DefinitionsApiRoute, ApiRoute)
  assert.equal(route.method, 'GET')
  assert.equal(route.url, 'custom/')
  assert.deepEqual(route.options, {})
  assert.equal(route.handler, handler)
  assert.deepEqual(route.dependencies, [])
  assert.equal(route.authenticated, true)
  assert.ok(Object.isFrozen(route))
})

void test('helper(url, options, handler) keeps the options it was given', () => {
  const check = () => undefined
  const options = { authenticated: false, dependencies: [check] }
  const handler = () => ({ ok: true })
  const routes = [
    get('/items/{id}', options, handler),
    post('/items/{id}', options, handler),
    put('/items/{id}', options, handler),
    patch('/items/{id}', options, handler),
    del('/items/{id}', options, handler),
  ]
  assert.deepEqual(
    routes.map((route) => route.method),
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  )
  for (const route of routes) {
    assert.equal(route.url, '/items/{id}')
    assert.equal(route.options, options)
    assert.equal(route.handler, handler)
    assert.deepEqual(route.dependencies, [check])
    assert.equal(route.authenticated, false)
  }
  assert.equal(get('/x', { authenticated: true }, handler).authenticated, true)
})

void test('wrong arguments to a helper throw a TypeError that names the helper', () => {
  const handler = () => 1
  assert.throws(() => get(42 as never, handler), {
    name: 'TypeError',
    message: 'get(url, ...): the url must be a string',
  })
  assert.throws(() => post('/x', 'not a function' as never), {
    name: 'TypeError',
    message: "post('/x', ...): the last argument must be the handler function",
  })
  assert.throws(() => put('/x', {} as never), {
    name: 'TypeError',
    message: "put('/x', ...): the last argument must be the handler function",
  })
  assert.throws(() => patch('/x', null as never, handler), {
    name: 'TypeError',
    message: "patch('/x', options, handler): options must be an object",
  })
  assert.throws(() => del('/x', 'opts' as never, handler), {
    name: 'TypeError',
    message: "delete('/x', options, handler): options must be an object",
  })
})

void test('an endpoint needs a session unless it says authenticated: false', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/private', () => 'secret'))
  config.addEndpoint(get('/public', { authenticated: false }, () => 'open'))
  const app = buildApp(t, config)

  const refused = await app.inject({ method: 'GET', url: '/api/private' })
  assert.equal(refused.statusCode, 401)
  assert.deepEqual(refused.json(), {
    detail:
      'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
    code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
  })
  const open = await app.inject({ method: 'GET', url: '/api/public' })
  assert.equal(open.statusCode, 200)
  assert.equal(open.body, '"open"')
  const allowed = await callGet(app, '/api/private')
  assert.equal(allowed.statusCode, 200)
  assert.equal(allowed.body, '"secret"')
})

void test('sync and async handlers answer the same', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/sync', () => ({ n: 1 })))
  config.addEndpoint(
    get('/async', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      return { n: 1 }
    }),
  )
  const app = buildApp(t, config)
  for (const url of ['/api/sync', '/api/async']) {
    const res = await callGet(app, url)
    assert.equal(res.statusCode, 200, url)
    assert.equal(res.headers['content-type'], JSON_TYPE)
    assert.deepEqual(res.json(), { n: 1 })
  }
})

void test('a returned string arrives as a JSON string', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('custom/', () => 'Hello World'))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/custom/')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], JSON_TYPE)
  assert.equal(res.body, '"Hello World"')
})

void test('plain values go out as JSON, undefined as null', async (t) => {
  const cases: readonly (readonly [string, unknown, string])[] = [
    [
      'object',
      { a: 1, nested: { list: [1, 'two', null] } },
      '{"a":1,"nested":{"list":[1,"two",null]}}',
    ],
    ['array', [1, 2, 3], '[1,2,3]'],
    ['number', 42, '42'],
    ['zero', 0, '0'],
    ['false', false, 'false'],
    ['empty-string', '', '""'],
    ['null', null, 'null'],
    ['undefined', undefined, 'null'],
    ['date', new Date(Date.UTC(2024, 0, 2)), '"2024-01-02T00:00:00.000Z"'],
  ]
  const config = new ConfigurationBuilder()
  for (const [name, value] of cases) config.addEndpoint(get(`/value/${name}`, () => value))
  config.addEndpoint(get('/value/async-undefined', () => Promise.resolve(undefined)))
  const app = buildApp(t, config)

  for (const [name, , body] of [...cases, ['async-undefined', undefined, 'null'] as const]) {
    const res = await callGet(app, `/api/value/${name}`)
    assert.equal(res.statusCode, 200, name)
    assert.equal(res.headers['content-type'], JSON_TYPE, name)
    assert.equal(res.body, body, name)
  }
})

void test('a Buffer goes out as bytes', async (t) => {
  const bytes = Buffer.from([0, 1, 2, 250, 255])
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/bytes', () => bytes))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/bytes')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'application/octet-stream')
  assert.deepEqual(res.rawPayload, bytes)
})

void test('a Node Readable stream is piped as it is', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/stream', ({ reply }) => {
      reply.header('content-type', 'text/csv')
      return Readable.from(['a,b\n', '1,2\n', '3,4\n'])
    }),
  )
  config.addEndpoint(
    get('/stream-async', () => Promise.resolve(Readable.from([Buffer.from('chunk')]))),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/stream')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/csv')
  assert.equal(res.body, 'a,b\n1,2\n3,4\n')
  const asyncRes = await callGet(app, '/api/stream-async')
  assert.equal(asyncRes.statusCode, 200)
  assert.equal(asyncRes.body, 'chunk')
})

void test('a web ReadableStream is sent as it is', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/web-stream', ({ reply }) => {
      reply.type('text/plain')
      return new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('web '))
          controller.enqueue(new TextEncoder().encode('stream'))
          controller.close()
        },
      })
    }),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/web-stream')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/plain')
  assert.equal(res.body, 'web stream')
})

void test('a web Response keeps its status, headers and body', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/response',
      () =>
        new Response('<p>made</p>', {
          status: 202,
          headers: { 'content-type': 'text/html; charset=utf-8', 'x-made-by': 'handler' },
        }),
    ),
  )
  config.addEndpoint(
    post('/response-json', () => Promise.resolve(Response.json({ ok: true }, { status: 201 }))),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/response')
  assert.equal(res.statusCode, 202)
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  assert.equal(res.headers['x-made-by'], 'handler')
  assert.equal(res.body, '<p>made</p>')
  const created = await call(app, { method: 'POST', url: '/api/response-json' })
  assert.equal(created.statusCode, 201)
  assert.equal(created.headers['content-type'], 'application/json')
  assert.deepEqual(created.json(), { ok: true })
})

void test('reply.code() and reply.header() set by the handler apply to the returned value', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/items', ({ reply }) => {
      reply.code(201).header('location', '/api/items/7')
      return { id: 7 }
    }),
  )
  config.addEndpoint(
    del('/items/{id}', async ({ reply }) => {
      await Promise.resolve()
      reply.code(202).header('x-queued', 'yes')
      return 'queued'
    }),
  )
  const app = buildApp(t, config)

  const created = await call(app, { method: 'POST', url: '/api/items' })
  assert.equal(created.statusCode, 201)
  assert.equal(created.headers['location'], '/api/items/7')
  assert.equal(created.headers['content-type'], JSON_TYPE)
  assert.deepEqual(created.json(), { id: 7 })
  const queued = await call(app, { method: 'DELETE', url: '/api/items/7' })
  assert.equal(queued.statusCode, 202)
  assert.equal(queued.headers['x-queued'], 'yes')
  assert.equal(queued.body, '"queued"')
})

void test('a string goes out as it is when the handler set a content type', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/page', ({ reply }) => {
      reply.type('text/html; charset=utf-8')
      return '<h1>Hello World</h1>'
    }),
  )
  config.addEndpoint(
    get('/csv', ({ reply }) => {
      reply.header('content-type', 'text/csv')
      return 'a,b\n1,2\n'
    }),
  )
  const app = buildApp(t, config)

  const page = await callGet(app, '/api/page')
  assert.equal(page.statusCode, 200)
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
  assert.equal(page.body, '<h1>Hello World</h1>')
  const csv = await callGet(app, '/api/csv')
  assert.equal(csv.headers['content-type'], 'text/csv')
  assert.equal(csv.body, 'a,b\n1,2\n')
})

void test('a handler that returns a thenable is awaited like a Promise', async (t) => {
  // Query builders (Knex, Mongoose) are thenables, not Promises; the route's
  // output type is Awaited<R>, so the value sent must be the resolved one.
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/thenable', () => ({
      then(resolve: (value: { rows: number[] }) => void) {
        resolve({ rows: [1, 2] })
      },
    })),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/thenable')
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { rows: [1, 2] })
})

void test('custom/ mounts at /api/custom/ only', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('custom/', () => 'Hello World'))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/custom/')
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, '"Hello World"')
  const without = await callGet(app, '/api/custom')
  assert.equal(without.statusCode, 404)
  assert.deepEqual(without.json(), { detail: 'API endpoint not found: GET /api/custom' })
})

void test('/custom mounts at /api/custom only', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/custom', () => 'slash first'))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/custom')
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, '"slash first"')
  const trailing = await callGet(app, '/api/custom/')
  assert.equal(trailing.statusCode, 404)
  assert.deepEqual(trailing.json(), { detail: 'API endpoint not found: GET /api/custom/' })
})

void test('runs of slashes in a url collapse', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('//double//slashes', () => 'collapsed'))
  config.addEndpoint(get('nested///deep//', () => 'deep'))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/double/slashes')
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, '"collapsed"')
  const deep = await callGet(app, '/api/nested/deep/')
  assert.equal(deep.statusCode, 200)
  assert.equal(deep.body, '"deep"')
})

void test('{id} and :id are path parameters, passed as strings', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/items/{id}', ({ params }) => ({ id: params.id })))
  config.addEndpoint(
    get('/users/:user/posts/{post}', ({ params }) => ({ user: params.user, post: params.post })),
  )
  const app = buildApp(t, config)

  const item = await callGet(app, '/api/items/42')
  assert.equal(item.statusCode, 200)
  assert.deepEqual(item.json(), { id: '42' })
  const post = await callGet(app, '/api/users/ada/posts/a%20b')
  assert.equal(post.statusCode, 200)
  assert.deepEqual(post.json(), { user: 'ada', post: 'a b' })
  const tooDeep = await callGet(app, '/api/items/42/more')
  assert.equal(tooDeep.statusCode, 404)
  assert.deepEqual(tooDeep.json(), { detail: 'API endpoint not found: GET /api/items/42/more' })
})

void test('an unknown path under /api answers 404 with the method and path', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/known', () => 'here'))
  const app = buildApp(t, config)

  const nope = await app.inject({ method: 'GET', url: '/api/nope' })
  assert.equal(nope.statusCode, 404)
  assert.equal(nope.headers['content-type'], JSON_TYPE)
  assert.equal(nope.body, '{"detail":"API endpoint not found: GET /api/nope"}')

  // A known path on another method is 405, not 404 (tests/http/allowed-methods.test.ts).
  const wrongMethod = await call(app, { method: 'POST', url: '/api/known?x=1' })
  assert.equal(wrongMethod.statusCode, 405)

  const root = await app.inject({ method: 'DELETE', url: '/api' })
  assert.equal(root.statusCode, 404)
  assert.deepEqual(root.json(), { detail: 'API endpoint not found: DELETE /api' })
})

void test('a long unknown path is cut in the 404 detail', async (t) => {
  const app = buildApp(t, new ConfigurationBuilder())
  const path = `/api/${'a'.repeat(300)}`
  const res = await app.inject({ method: 'GET', url: path })
  assert.equal(res.statusCode, 404)
  assert.deepEqual(res.json(), {
    detail: `API endpoint not found: GET ${path.slice(0, 200)}...`,
  })
})

void test('an unknown path outside /api answers 404 Not Found', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/custom', () => 'x'))
  const app = buildApp(t, config)

  for (const url of ['/nope', '/custom', '/apix', '/']) {
    const res = await app.inject({ method: 'GET', url })
    assert.equal(res.statusCode, 404, url)
    assert.equal(res.headers['content-type'], JSON_TYPE, url)
    assert.equal(res.body, '{"detail":"Not Found"}', url)
  }
})
