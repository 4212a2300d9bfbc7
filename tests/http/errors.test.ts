// Errors reach the client as { detail }: an HttpError keeps its status and
// detail; anything else is a 500 whose cause and stack go to the log only.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { dependency, get, HttpError } from 'dara-ts/http'
import { buildApp, buildLoggedApp, callGet, LEVEL, type LogLine } from '../helpers/app.ts'

const INTERNAL = '{"detail":"Internal Server Error"}'

void test('HttpError is an Error that keeps status, detail and headers', () => {
  const cause = new Error('db down')
  const error = new HttpError(404, { id: 7 }, { headers: { 'x-a': '1' }, cause })
  assert.ok(error instanceof Error)
  assert.equal(error.name, 'HttpError')
  assert.equal(error.status, 404)
  assert.deepEqual(error.detail, { id: 7 })
  assert.equal(error.message, '{"id":7}')
  assert.deepEqual(error.headers, { 'x-a': '1' })
  assert.equal(error.cause, cause)

  const plain = new HttpError(400, 'Bad input')
  assert.equal(plain.message, 'Bad input')
  assert.deepEqual(plain.headers, {})
  assert.equal(new HttpError(404).detail, 'Request failed')
  assert.equal(new HttpError(503).detail, 'Internal Server Error')
})

void test('a thrown HttpError answers with its status and detail, whatever JSON the detail is', async (t) => {
  const cases: readonly (readonly [number, unknown])[] = [
    [400, 'Bad input'],
    [401, { reason: 'expired', at: 1700000000 }],
    [403, ['not', 'yours']],
    [404, 7],
    [409, null],
    [410, false],
    [418, { nested: { deep: [{ a: 1 }] } }],
    [422, ''],
    [503, 'Try later'],
  ]
  const config = new ConfigurationBuilder()
  for (const [status, detail] of cases) {
    config.addEndpoint(
      get(`/fail/${status}`, () => {
        throw new HttpError(status, detail)
      }),
    )
  }
  const app = buildApp(t, config)

  for (const [status, detail] of cases) {
    const res = await callGet(app, `/api/fail/${status}`)
    assert.equal(res.statusCode, status)
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    assert.deepEqual(res.json(), { detail }, String(status))
  }
})

void test('an HttpError without a detail answers a default one', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/default-4xx', () => {
      throw new HttpError(404)
    }),
  )
  config.addEndpoint(
    get('/default-5xx', async () => {
      await Promise.resolve()
      throw new HttpError(502)
    }),
  )
  const app = buildApp(t, config)

  const notFound = await callGet(app, '/api/default-4xx')
  assert.equal(notFound.statusCode, 404)
  assert.deepEqual(notFound.json(), { detail: 'Request failed' })
  const badGateway = await callGet(app, '/api/default-5xx')
  assert.equal(badGateway.statusCode, 502)
  assert.deepEqual(badGateway.json(), { detail: 'Internal Server Error' })
})

void test('an HttpError with a status that is not an error status is sent as 500', async (t) => {
  const config = new ConfigurationBuilder()
  for (const status of [200, 302, 99, 600, 404.5, Number.NaN]) {
    config.addEndpoint(
      get(`/status/${String(status).replace('.', '_')}`, () => {
        throw new HttpError(status, 'wrong status')
      }),
    )
  }
  const app = buildApp(t, config)

  for (const status of ['200', '302', '99', '600', '404_5', 'NaN']) {
    const res = await callGet(app, `/api/status/${status}`)
    assert.equal(res.statusCode, 500, status)
    assert.deepEqual(res.json(), { detail: 'wrong status' }, status)
  }
})

void test('an HttpError of 5xx is logged as an error; a 4xx is not', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/unavailable', () => {
      throw new HttpError(503, 'Maintenance', { cause: new Error('disk full') })
    }),
  )
  config.addEndpoint(
    get('/missing', () => {
      throw new HttpError(404, 'No such thing')
    }),
  )
  const { app, logs } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/unavailable')
  assert.equal(res.statusCode, 503)
  assert.deepEqual(res.json(), { detail: 'Maintenance' })
  await callGet(app, '/api/missing')
  const errors = logs.filter((line) => line.level >= LEVEL.error)
  assert.deepEqual(
    errors.map((line) => [line.msg, line.err?.message]),
    // pino's err serializer appends the cause's message: the cause reaches the log.
    [['Handler answered 503', 'Maintenance: disk full']],
  )
})

/** The log line of the unhandled error, checked to carry the message and a stack. */
function unhandled(logs: readonly LogLine[], message: string): LogLine {
  const line = logs.find((l) => l.msg === 'Unhandled error')
  assert.ok(line, `no "Unhandled error" line in ${JSON.stringify(logs)}`)
  assert.equal(line.level, LEVEL.error)
  assert.equal(line.err?.message, message)
  assert.match(line.err?.stack ?? '', new RegExp(`^Error: ${message}\\n\\s+at `))
  return line
}

void test('any other error thrown by a handler is a 500 with its cause in the log only', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/boom', () => {
      throw new Error('password=hunter2 leaked')
    }),
  )
  const { app, logs, raw } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/boom')
  assert.equal(res.statusCode, 500)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  assert.equal(res.body, INTERNAL)
  assert.ok(!res.body.includes('hunter2'))
  const line = unhandled(logs, 'password=hunter2 leaked')
  assert.equal(line['reqId'], logs.find((l) => l['url'] === '/api/boom')?.['reqId'])
  assert.ok(raw.some((text) => text.includes('password=hunter2 leaked')))
  assert.deepEqual(
    logs.filter((l) => l.msg === 'request' && l['url'] === '/api/boom').map((l) => l['status']),
    [500],
  )
})

void test('an async handler that rejects is a 500 the same way', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/async-boom', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      throw new TypeError('cannot read x of undefined')
    }),
  )
  const { app, logs } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/async-boom')
  assert.equal(res.statusCode, 500)
  assert.equal(res.body, INTERNAL)
  const line = logs.find((l) => l.msg === 'Unhandled error')
  assert.equal(line?.err?.type, 'TypeError')
  assert.equal(line?.err?.message, 'cannot read x of undefined')
  assert.match(line?.err?.stack ?? '', /^TypeError: cannot read x of undefined\n\s+at /)
})

void test('a thrown non-Error is a 500, and the value is logged', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/string', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what careless code does
      throw 'a bare string'
    }),
  )
  config.addEndpoint(
    get('/object', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what careless code does
      throw { secret: 'token-123' }
    }),
  )
  const { app, raw } = buildLoggedApp(t, config)

  for (const url of ['/api/string', '/api/object']) {
    const res = await callGet(app, url)
    assert.equal(res.statusCode, 500, url)
    assert.equal(res.body, INTERNAL, url)
  }
  assert.ok(raw.some((text) => text.includes('a bare string')))
})

void test('an Error carrying a statusCode, thrown by app code, is still a 500 with nothing leaked', async (t) => {
  // Libraries attach statusCode to their errors (http-errors, SDKs talking to
  // other services). Only HttpError chooses what the client sees.
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/upstream', () => {
      throw Object.assign(new Error('s3://internal-bucket/key not found'), { statusCode: 404 })
    }),
  )
  const { app, logs } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/upstream')
  assert.equal(res.statusCode, 500)
  assert.equal(res.body, INTERNAL)
  unhandled(logs, 's3://internal-bucket/key not found')
})

void test('a value that cannot become JSON is a 500, not a crash', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/bigint', () => ({ big: 10n })))
  config.addEndpoint(
    get('/circular', () => {
      const node: { self?: unknown } = {}
      node.self = node
      return node
    }),
  )
  const { app, logs } = buildLoggedApp(t, config)

  for (const url of ['/api/bigint', '/api/circular']) {
    const res = await callGet(app, url)
    assert.equal(res.statusCode, 500, url)
    assert.equal(res.body, INTERNAL, url)
  }
  assert.equal(logs.filter((l) => l.msg === 'Unhandled error').length, 2)
})

void test('an error thrown in a dependency is a 500 with its cause in the log only', async (t) => {
  let handlerRan = false
  const broken = dependency(function broken() {
    throw new Error('connection refused to 10.0.0.5')
  })
  const brokenAsync = dependency(async function brokenAsync() {
    await Promise.resolve()
    throw new Error('async connection refused to 10.0.0.6')
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/dep', { dependencies: [broken] }, () => {
      handlerRan = true
      return 'never'
    }),
  )
  config.addEndpoint(
    get('/dep-async', { inject: { brokenAsync } }, () => {
      handlerRan = true
      return 'never'
    }),
  )
  const { app, logs } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/dep')
  assert.equal(res.statusCode, 500)
  assert.equal(res.body, INTERNAL)
  unhandled(logs, 'connection refused to 10.0.0.5')

  const asyncRes = await callGet(app, '/api/dep-async')
  assert.equal(asyncRes.statusCode, 500)
  assert.equal(asyncRes.body, INTERNAL)
  assert.ok(
    logs.some(
      (l) =>
        l.msg === 'Unhandled error' && l.err?.message === 'async connection refused to 10.0.0.6',
    ),
  )
  assert.equal(handlerRan, false)
})

void test('after a 500 the app keeps serving', async (t) => {
  let calls = 0
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/flaky', () => {
      calls++
      if (calls === 1) throw new Error('first call fails')
      return { calls }
    }),
  )
  const app = buildApp(t, config)

  assert.equal((await callGet(app, '/api/flaky')).statusCode, 500)
  const second = await callGet(app, '/api/flaky')
  assert.equal(second.statusCode, 200)
  assert.deepEqual(second.json(), { calls: 2 })
})
