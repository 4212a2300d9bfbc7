// Each limit of what one request or one client may cost, on a real socket:
// body size (413), header size (431), a client that trickles its headers or its
// body (408, the socket closed, the server free for others meanwhile), path
// parameters (414), JSON depth (400), connections at once. Each is set through
// createApp's `limits`, and refused at start when it makes no sense.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder, createApp, type ServerLimits } from 'dara-ts'
import { get, post } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'
import { exchange, listen, open } from '../helpers/raw-socket.ts'

function limitedApp(limits: ServerLimits) {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))
  config.addEndpoint(post('/echo', { authenticated: false }, ({ body }) => ({ echo: body })))
  config.addEndpoint(
    get(
      '/items/{id}',
      { authenticated: false, params: z.object({ id: z.string() }) },
      ({ params }) => params.id.length,
    ),
  )
  return createApp(config, { logger: false, secret: SECRET, limits })
}

async function serve(t: TestContext, limits: ServerLimits = {}): Promise<string> {
  const port = await listen(t, limitedApp(limits))
  return `http://127.0.0.1:${port}`
}

void test('a body over bodyLimit is refused with 413 { detail }; one at the limit passes', async (t) => {
  const url = await serve(t, { bodyLimit: 1000 })
  const send = (size: number) =>
    fetch(`${url}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify('x'.repeat(size - 2)),
    })
  const over = await send(1001)
  assert.equal(over.status, 413)
  assert.deepEqual(await over.json(), { detail: 'Request body is too large' })
  const at = await send(1000)
  assert.equal(at.status, 200)
  assert.deepEqual(await at.json(), { echo: 'x'.repeat(998) })
})

void test('the default body limit is 1 MiB', async (t) => {
  const url = await serve(t)
  const res = await fetch(`${url}/api/echo`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'x'.repeat(1024 * 1024 + 1),
  })
  assert.equal(res.status, 413)
  assert.deepEqual(await res.json(), { detail: 'Request body is too large' })
})

void test('headers over maxHeaderSize get 431 { detail, code } and the socket is closed', async (t) => {
  const port = await listen(t, limitedApp({ maxHeaderSize: 4096 }))
  const request = (size: number) =>
    `GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(size)}\r\n\r\n`
  const refused = await exchange(t, port, [request(5000)])
  assert.equal(refused.status, 431)
  assert.equal(refused.timedOut, false, 'the server closes the socket')
  assert.deepEqual(refused.json, {
    detail: 'The request line and headers are larger than 4096 bytes: send fewer or shorter ones',
    code: 'DARA_ERR_HEADERS_TOO_LARGE',
  })
  assert.match(refused.text, /\r\ncontent-type: application\/json; charset=utf-8\r\n/)
  assert.match(refused.text, /\r\nx-content-type-options: nosniff\r\n/)

  const fine = await fetch(`http://127.0.0.1:${port}/api/hello`, {
    headers: { 'x-big': 'a'.repeat(3000) },
  })
  assert.equal(fine.status, 200)
})

void test('the default header limit is 16 KiB: a 20 KB token is refused before any route runs', async (t) => {
  const url = await serve(t)
  const res = await fetch(`${url}/api/hello`, {
    headers: { authorization: `Bearer ${'a'.repeat(20_000)}` },
  })
  assert.equal(res.status, 431)
  assert.deepEqual(await res.json(), {
    detail: 'The request line and headers are larger than 16384 bytes: send fewer or shorter ones',
    code: 'DARA_ERR_HEADERS_TOO_LARGE',
  })
})

const SLOW = {
  detail:
    'The request did not arrive in time: send its headers within 300 ms and all of it within 600 ms',
  code: 'DARA_ERR_REQUEST_SLOW',
}

void test('a client that trickles its headers is cut off with 408, and others are served meanwhile', async (t) => {
  const port = await listen(t, limitedApp({ headersTimeout: 300, requestTimeout: 600 }))
  const head = 'GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '
  // One byte every 50 ms: 100 bytes would take 5 s; the server must not wait that long.
  const chunks = [head, ...'a'.repeat(100).split('')]
  const trickle = exchange(t, port, chunks, { gapMs: 50, timeoutMs: 5000 })

  // While it trickles, other clients are answered at once.
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/hello`)
    assert.equal(res.status, 200)
    assert.equal(await res.text(), '"Hello World"')
  }

  const answer = await trickle
  assert.equal(answer.timedOut, false, 'the server closed the socket')
  assert.equal(answer.status, 408)
  assert.deepEqual(answer.json, SLOW)
  // 100 gaps of 50 ms: a server that waited for the whole request would still be reading.
  assert.ok(answer.written < chunks.length, `cut off after ${answer.closedAfter} ms`)
})

void test('a client that trickles its body is cut off with 408 after requestTimeout', async (t) => {
  const port = await listen(t, limitedApp({ headersTimeout: 300, requestTimeout: 600 }))
  const head =
    'POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n'
  const chunks = [head, ...'b'.repeat(100).split('')]
  const answer = await exchange(t, port, chunks, { gapMs: 50, timeoutMs: 5000 })
  assert.equal(answer.timedOut, false, 'the server closed the socket')
  assert.equal(answer.status, 408)
  assert.deepEqual(answer.json, SLOW)
  assert.ok(answer.written < chunks.length, 'cut off before it finished')
})

void test('an idle connection that never sends a byte is closed after headersTimeout', async (t) => {
  const port = await listen(t, limitedApp({ headersTimeout: 300, requestTimeout: 600 }))
  // Node's own default would keep it 60 s, Fastify's defaults for ever; 5 s is the test's patience.
  const answer = await exchange(t, port, [], { timeoutMs: 5000 })
  assert.equal(answer.timedOut, false, 'the server closed the socket')
  assert.equal(answer.status, 408)
  assert.deepEqual(answer.json, SLOW)
})

void test('connections past maxConnections are closed at once; those open keep working', async (t) => {
  const port = await listen(t, limitedApp({ maxConnections: 2 }))
  const first = await open(t, port)
  const second = await open(t, port)
  const third = await exchange(t, port, ['GET /api/hello HTTP/1.1\r\nHost: x\r\n\r\n'])
  assert.equal(third.timedOut, false)
  assert.equal(third.text, '', 'the third connection is closed without an answer')

  const answer = await new Promise<string>((resolve) => {
    let text = ''
    first.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
      if (text.endsWith('"Hello World"')) resolve(text)
    })
    first.write('GET /api/hello HTTP/1.1\r\nHost: x\r\n\r\n')
  })
  assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/)

  // Once one closes, a new connection is let in.
  second.destroy()
  await new Promise((resolve) => setTimeout(resolve, 100))
  const res = await fetch(`http://127.0.0.1:${port}/api/hello`)
  assert.equal(res.status, 200)
})

void test('a path parameter over maxParamLength gets 414 { detail, code }', async (t) => {
  const app = limitedApp({ maxParamLength: 20 })
  t.after(() => app.close())
  const ok = await app.inject({ method: 'GET', url: `/api/items/${'a'.repeat(20)}` })
  assert.equal(ok.statusCode, 200)
  assert.equal(ok.json(), 20)
  const res = await app.inject({ method: 'GET', url: `/api/items/${'a'.repeat(21)}` })
  assert.equal(res.statusCode, 414)
  assert.deepEqual(res.json(), {
    detail: 'A path parameter is longer than 20 characters',
    code: 'DARA_ERR_PARAM_TOO_LONG',
  })
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
})

void test('a path that does not decode gets 400 { detail, code }', async (t) => {
  const app = limitedApp({})
  t.after(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/api/items/50%' })
  assert.equal(res.statusCode, 400)
  assert.deepEqual(res.json(), {
    detail:
      'The path "/api/items/50%" is not a valid URL: write a "%" that is not an escape as %25',
    code: 'DARA_ERR_BAD_URL',
  })
})

void test('JSON nested deeper than maxJsonDepth gets 400 { detail, code }; at the limit it passes', async (t) => {
  const app = limitedApp({ maxJsonDepth: 10 })
  t.after(() => app.close())
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
  const send = (payload: string) =>
    app.inject({
      method: 'POST',
      url: '/api/echo',
      headers: { 'content-type': 'application/json' },
      payload,
    })
  const at = await send(nested(10))
  assert.equal(at.statusCode, 200)
  const over = await send(nested(11))
  assert.equal(over.statusCode, 400)
  assert.deepEqual(over.json(), {
    detail: 'The JSON body nests arrays and objects deeper than 10 levels',
    code: 'DARA_ERR_JSON_TOO_DEEP',
  })
  // Brackets inside strings are text, not nesting.
  const text = await send(JSON.stringify({ s: '[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{' }))
  assert.equal(text.statusCode, 200)
  // The default, 128, stops what would overflow the serializer's stack.
  const deep = limitedApp({})
  t.after(() => deep.close())
  const res = await deep.inject({
    method: 'POST',
    url: '/api/echo',
    headers: { 'content-type': 'application/json' },
    payload: nested(100_000),
  })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json<{ code: string }>().code, 'DARA_ERR_JSON_TOO_DEEP')
})

void test('limits that make no sense stop the app at start, naming the option', () => {
  const cases: [ServerLimits, string][] = [
    [
      { bodyLimit: 0 },
      'DARA_ERR_SERVER_OPTION_INVALID: limits.bodyLimit must be a whole number from 1, got 0',
    ],
    [
      { headersTimeout: 1.5 },
      'DARA_ERR_SERVER_OPTION_INVALID: limits.headersTimeout must be a whole number from 1, got 1.5',
    ],
    [
      { maxConnections: -1 },
      'DARA_ERR_SERVER_OPTION_INVALID: limits.maxConnections must be a whole number from 1, got -1',
    ],
    [
      { headersTimeout: 5000, requestTimeout: 1000 },
      'DARA_ERR_SERVER_OPTION_INVALID: headersTimeout must be at most requestTimeout (1000 ms), got 5000',
    ],
  ]
  for (const [limits, message] of cases) {
    assert.throws(() => limitedApp(limits), { name: 'DaraError', message })
  }
  // 0 turns the handler timeout off; it is the one limit that may be off.
  const app = limitedApp({ handlerTimeout: 0 })
  void app.close()
})
