// Faults in the app's own code: a handler that throws, rejects, rejects with a
// non-Error, never resolves, or whose stream fails before or after its first
// bytes. Each ends in one clear answer (or, once bytes are out, a cut response),
// the cause in the log only, and a server that goes on answering.
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { Readable } from 'node:stream'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { dependency, get } from 'dara-ts/http'
import { LEVEL, type LogLine } from '../helpers/app.ts'
import { SECRET } from '../helpers/auth.ts'
import { listen } from '../helpers/raw-socket.ts'

const INTERNAL = { detail: 'Internal Server Error' }
const TIMEOUT_MS = 200
const TIMED_OUT = {
  detail: `No answer within ${TIMEOUT_MS} ms: the server gave up on this request. Try again later`,
  code: 'DARA_ERR_REQUEST_TIMEOUT',
}

function faultyApp(t: TestContext) {
  const late: string[] = []
  const never = dependency(function never() {
    return new Promise<never>(() => undefined)
  })
  const config = new ConfigurationBuilder()
  const open = { authenticated: false } as const
  config.addEndpoint(get('/hello', open, () => 'Hello World'))
  config.addEndpoint(
    get('/throws', open, () => {
      throw new Error('secret database password in a message')
    }),
  )
  config.addEndpoint(
    get('/rejects', open, async () => {
      await Promise.resolve()
      throw new TypeError('rejected deep in the app')
    }),
  )
  config.addEndpoint(
    get('/rejects-string', open, async () => {
      await Promise.resolve()
      // A library that rejects with something that is not an Error at all.
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the fault under test
      throw Object.assign(Object.create(null) as object, { reason: 'no stack' })
    }),
  )
  config.addEndpoint(get('/never', open, () => new Promise(() => undefined)))
  config.addEndpoint(get('/never-dependency', { ...open, inject: { never } }, () => 'unreached'))
  config.addEndpoint(
    get('/late', open, async () => {
      await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 2))
      late.push('finished after its answer was sent')
      throw new Error('and then failed')
    }),
  )
  config.addEndpoint(
    get('/stream-fails-first', open, () => {
      return new Readable({
        read() {
          this.destroy(new Error('the source failed before its first chunk'))
        },
      })
    }),
  )
  config.addEndpoint(
    get('/stream-fails-later', open, ({ reply }) => {
      void reply.type('text/plain')
      let sent = 0
      return new Readable({
        read() {
          if (sent++ < 3) this.push(`chunk ${sent}\n`)
          else setImmediate(() => this.destroy(new Error('the source failed mid-stream')))
        },
      })
    }),
  )
  config.addEndpoint(
    get('/stream-slow', open, ({ reply }) => {
      void reply.type('text/plain')
      let sent = 0
      // Longer than the handler timeout: a stream that started in time may run as long as it needs.
      return new Readable({
        read() {
          setTimeout(() => this.push(sent++ < 5 ? `${sent}\n` : null), TIMEOUT_MS / 2)
        },
      })
    }),
  )
  config.addEndpoint(
    get('/web-stream-fails', open, () => {
      return new ReadableStream({
        pull(controller) {
          controller.error(new Error('the web stream failed before its first chunk'))
        },
      })
    }),
  )
  config.addEndpoint(
    get('/web-response-fails', open, () => {
      const body = new ReadableStream({
        pull(controller) {
          controller.error(new Error('the Response body failed'))
        },
      })
      return new Response(body, { headers: { 'content-type': 'text/plain' } })
    }),
  )
  const logs: LogLine[] = []
  const stream = { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) }
  const app = createApp(config, {
    logger: { level: 'info', stream },
    secret: SECRET,
    limits: { handlerTimeout: TIMEOUT_MS },
  })
  t.after(() => app.close())
  return { app, logs, late }
}

const errorsIn = (logs: readonly LogLine[]) => logs.filter((l) => l.level >= LEVEL.error)

for (const [path, message] of [
  ['/throws', 'secret database password in a message'],
  ['/rejects', 'rejected deep in the app'],
] as const) {
  void test(`a handler that ${path.slice(1)}: 500 { detail }, the cause in the log only`, async (t) => {
    const { app, logs } = faultyApp(t)
    const res = await app.inject({ method: 'GET', url: `/api${path}` })
    assert.equal(res.statusCode, 500)
    assert.deepEqual(res.json(), INTERNAL)
    assert.ok(!res.body.includes(message))
    const [logged] = errorsIn(logs)
    assert.equal(logged?.msg, 'Unhandled error')
    assert.equal(logged?.err?.message, message)
    assert.ok(logged?.err?.stack?.includes('faults.test.ts'), 'with its stack')
    const after = await app.inject({ method: 'GET', url: '/api/hello' })
    assert.equal(after.statusCode, 200)
  })
}

void test('a rejection with something that is not an Error: 500 { detail }', async (t) => {
  const { app, logs } = faultyApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/rejects-string' })
  assert.equal(res.statusCode, 500)
  assert.deepEqual(res.json(), INTERNAL)
  assert.equal(errorsIn(logs).length, 1)
})

void test('a handler that never resolves: 503 { detail, code } after the handler timeout', async (t) => {
  const { app, logs } = faultyApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/never' })
  assert.equal(res.statusCode, 503)
  assert.deepEqual(res.json(), TIMED_OUT)
  const [logged] = errorsIn(logs)
  assert.equal(logged?.['reason'], 'DARA_ERR_REQUEST_TIMEOUT')
  assert.equal(logged?.['url'], '/api/never')
})

void test('a dependency that never resolves: 503 too, and the handler never runs', async (t) => {
  const { app } = faultyApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/never-dependency' })
  assert.equal(res.statusCode, 503)
  assert.deepEqual(res.json(), TIMED_OUT)
})

void test('a handler that fails after its timeout: the 503 stands, its late error is only logged', async (t) => {
  const { app, late, logs } = faultyApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/late' })
  assert.equal(res.statusCode, 503)
  assert.deepEqual(res.json(), TIMED_OUT)
  await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 2))
  assert.deepEqual(late, ['finished after its answer was sent'])
  // Nothing else reached the client or crashed the process; both are in the log.
  assert.deepEqual(
    errorsIn(logs).map((l) => [l.msg, l.err?.message]),
    [
      [TIMED_OUT.detail, undefined],
      ['A handler failed after its request timed out', 'and then failed'],
    ],
  )
  assert.equal((await app.inject({ method: 'GET', url: '/api/hello' })).statusCode, 200)
})

void test('a stream that fails before its first chunk: 500 { detail }', async (t) => {
  const { app, logs } = faultyApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/stream-fails-first' })
  assert.equal(res.statusCode, 500)
  assert.deepEqual(res.json(), INTERNAL)
  assert.ok(JSON.stringify(errorsIn(logs)).includes('the source failed before its first chunk'))
})

void test('a web ReadableStream or Response whose body fails at once: 500 { detail }, logged', async (t) => {
  const { app, logs } = faultyApp(t)
  for (const [path, message] of [
    ['/api/web-stream-fails', 'the web stream failed before its first chunk'],
    ['/api/web-response-fails', 'the Response body failed'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: path })
    assert.equal(res.statusCode, 500, path)
    assert.deepEqual(res.json(), INTERNAL)
    assert.ok(
      errorsIn(logs).some((l) => l.err?.message === message),
      `${message} is logged`,
    )
  }
  assert.equal((await app.inject({ method: 'GET', url: '/api/hello' })).statusCode, 200)
})

/** A GET on a real socket that reports how the body ended: complete, or cut. */
function getRaw(
  port: number,
  path: string,
): Promise<{ status: number; body: string; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, host: '127.0.0.1', path }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cut: false }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, cut: true }))
    })
    req.on('error', reject)
    req.end()
  })
}

void test('a stream that fails after its first bytes: the response is cut, not completed, and the server goes on', async (t) => {
  const { app, logs } = faultyApp(t)
  const port = await listen(t, app)
  const res = await getRaw(port, '/api/stream-fails-later')
  assert.equal(res.status, 200)
  // A chunked body that ends without its last chunk: the client knows it is incomplete.
  assert.equal(res.cut, true)
  assert.ok(res.body.startsWith('chunk 1\n'), res.body)
  const [logged] = errorsIn(logs)
  assert.equal(logged?.msg, 'A streamed response failed after its first bytes')
  assert.equal(logged?.err?.message, 'the source failed mid-stream')
  const after = await getRaw(port, '/api/hello')
  assert.deepEqual(after, { status: 200, body: '"Hello World"', cut: false })
})

void test('a stream that started in time runs past the handler timeout to its end', async (t) => {
  const { app } = faultyApp(t)
  const port = await listen(t, app)
  const res = await getRaw(port, '/api/stream-slow')
  assert.deepEqual(res, { status: 200, body: '1\n2\n3\n4\n5\n', cut: false })
})
