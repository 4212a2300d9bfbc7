// The two probes every app answers: GET /api/core/health (liveness) and GET
// /api/core/ready (readiness). Both without credentials, both out of the info
// log; readiness turns 503 with its reason when the session store is away and
// as soon as the app starts closing, while the rest is still served during the
// shutdown delay.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConfigurationBuilder, createApp, type AppOptions } from 'dara-ts'
import { RedisSessionStore } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'
import { startRedis } from '../helpers/processes.ts'
import { have } from '../helpers/system.ts'

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
}
const SHUTTING_DOWN = {
  detail: 'Not ready: the server is shutting down',
  code: 'DARA_ERR_NOT_READY',
}

function appConfig(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/private', () => 'secret'))
  config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))
  return config
}

function build(t: TestContext, options: AppOptions = {}) {
  const app = createApp(appConfig(), { logger: false, secret: SECRET, ...options })
  t.after(() => app.close())
  return app
}

void test('GET /api/core/health: 200 { status: "ok" } without credentials, with the API headers', async (t) => {
  const app = build(t)
  const res = await app.inject({ method: 'GET', url: '/api/core/health' })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { status: 'ok' })
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  for (const [name, value] of Object.entries(API_HEADERS)) assert.equal(res.headers[name], value)
  // HEAD too, as some balancers probe with it.
  const head = await app.inject({ method: 'HEAD', url: '/api/core/health' })
  assert.equal(head.statusCode, 200)
  assert.equal(head.body, '')
})

void test('GET /api/core/ready: 200 { status: "ready" } once started, without credentials', async (t) => {
  const app = build(t)
  const res = await app.inject({ method: 'GET', url: '/api/core/ready' })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { status: 'ready' })
})

void test('a user route under /api/core/ is refused at start, the probes included', () => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/core/ready', { authenticated: false }, () => 'mine'))
  assert.throws(() => createApp(config, { logger: false, secret: SECRET }), {
    code: 'DARA_ERR_ROUTE_RESERVED',
    message:
      'DARA_ERR_ROUTE_RESERVED: GET /api/core/ready lies under /api/core/, which belongs to dara-ts. Move the endpoint to another path, for example /api/app-core/ready.',
  })
})

void test('probes are logged at debug, not info; other requests at info as before', async (t) => {
  const lines: { level: number; msg: string; url?: string }[] = []
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as never) }
  const app = createApp(appConfig(), { logger: { level: 'debug', stream }, secret: SECRET })
  t.after(() => app.close())
  for (const url of ['/api/core/health', '/api/core/ready', '/api/hello']) {
    assert.equal((await app.inject({ method: 'GET', url })).statusCode, 200)
  }
  const requests = lines
    .filter((line) => line.msg === 'request')
    .map((line) => [line.url, line.level])
  assert.deepEqual(requests, [
    ['/api/core/health', 20],
    ['/api/core/ready', 20],
    ['/api/hello', 30],
  ])
})

void test('closing with a shutdown delay: ready is 503 at once while other routes are still served; then the port closes', async (t) => {
  const app = build(t, { shutdownDelay: 400 })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const base = `http://127.0.0.1:${address.port}`
  const closed = app.close()
  const ready = await fetch(`${base}/api/core/ready`)
  assert.equal(ready.status, 503)
  assert.deepEqual(await ready.json(), SHUTTING_DOWN)
  assert.equal(ready.headers.get('cache-control'), 'no-store')
  // A balancer has not noticed yet: what it still sends is served, on a connection it must not reuse.
  const hello = await fetch(`${base}/api/hello`)
  assert.equal(hello.status, 200)
  assert.equal(await hello.json(), 'Hello World')
  assert.equal(hello.headers.get('connection'), 'close')
  const health = await fetch(`${base}/api/core/health`)
  assert.equal(health.status, 200)
  await closed
  const refused: unknown = await fetch(`${base}/api/core/health`).then(
    () => 'answered',
    (error: unknown) => (error instanceof Error && error.cause) || error,
  )
  assert.ok(refused instanceof Error && 'code' in refused, String(refused))
  assert.equal(refused.code, 'ECONNREFUSED')
})

void test('shutdownDelay and DARA_SHUTDOWN_DELAY_MS must be whole numbers of milliseconds', (t) => {
  assert.throws(
    () => createApp(appConfig(), { logger: false, secret: SECRET, shutdownDelay: -1 }),
    {
      code: 'DARA_ERR_SERVER_OPTION_INVALID',
      message:
        'DARA_ERR_SERVER_OPTION_INVALID: shutdownDelay must be a whole number from 0, got -1',
    },
  )
  const before = process.env['DARA_SHUTDOWN_DELAY_MS']
  t.after(() => {
    if (before === undefined) delete process.env['DARA_SHUTDOWN_DELAY_MS']
    else process.env['DARA_SHUTDOWN_DELAY_MS'] = before
  })
  process.env['DARA_SHUTDOWN_DELAY_MS'] = '2s'
  assert.throws(() => createApp(appConfig(), { logger: false, secret: SECRET }), {
    code: 'DARA_ERR_SERVER_OPTION_INVALID',
    message:
      'DARA_ERR_SERVER_OPTION_INVALID: DARA_SHUTDOWN_DELAY_MS must be a whole number from 0, got "2s"',
  })
})

void test('Redis stopped: ready is 503 with the reason, authenticated routes 503, health still 200; Redis back: ready again', async (t) => {
  if (!have(t, 'redis-server')) return
  const redis = await startRedis(t)
  const store = new RedisSessionStore({ url: redis.url })
  const app = build(t, { sessionStore: store })
  t.after(() => store.close())
  await app.ready()
  const token = (await app.sessions.mint({ identityId: 'ada', identityName: 'Ada', groups: [] }))
    .token
  assert.equal((await app.inject({ method: 'GET', url: '/api/core/ready' })).statusCode, 200)

  await redis.stop()
  let ready = await app.inject({ method: 'GET', url: '/api/core/ready' })
  for (let i = 0; ready.statusCode === 200 && i < 250; i++) {
    await sleep(20)
    ready = await app.inject({ method: 'GET', url: '/api/core/ready' })
  }
  assert.equal(ready.statusCode, 503)
  const body: unknown = ready.json()
  assert.ok(typeof body === 'object' && body !== null && 'detail' in body && 'code' in body)
  assert.equal(body.code, 'DARA_ERR_NOT_READY')
  assert.match(String(body.detail), /^Not ready: the session store is unavailable \(Redis: .+\)$/)
  const privateRes = await app.inject({
    method: 'GET',
    url: '/api/private',
    headers: { authorization: `Bearer ${token}` },
  })
  assert.equal(privateRes.statusCode, 503)
  assert.equal(privateRes.json<{ code: string }>().code, 'DARA_ERR_AUTH_STORE_DOWN')
  assert.equal((await app.inject({ method: 'GET', url: '/api/core/health' })).statusCode, 200)

  await redis.restart()
  for (let i = 0; ready.statusCode !== 200 && i < 500; i++) {
    await sleep(20)
    ready = await app.inject({ method: 'GET', url: '/api/core/ready' })
  }
  assert.deepEqual(ready.json(), { status: 'ready' })
})
