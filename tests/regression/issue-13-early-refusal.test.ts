// Issue 13, item 11: a refusal sent before its body has arrived (413 on the
// declared length, 401 before the body, 414, 415, an upload without its
// dropzone, 431) must reach a client that is still sending. The server reads
// the rest of the body and drops it, within bounds, instead of closing the
// socket under it (a reset: EPIPE or ECONNRESET for the client, often before
// it has read the answer). Over real sockets: raw ones, to see every byte the
// client writes accepted, and undici, the client inside Node's fetch.
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { Readable } from 'node:stream'
import { test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, request } from 'undici'
import { createApp, type AppOptions } from 'dara-ts'
import { LINGER } from '../../src/server/linger.ts'
import { everyRoute } from '../fixtures/every-route.ts'
import { SECRET } from '../helpers/auth.ts'

const MiB = 1024 * 1024
/** Three times the default body limit. */
const BODY = 3 * MiB

async function serve(t: TestContext, options: AppOptions = {}) {
  const app = createApp(everyRoute(), { logger: false, secret: SECRET, ...options })
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const login = await fetch(`http://127.0.0.1:${address.port}/api/auth/session`, { method: 'POST' })
  const { token } = (await login.json()) as { token: string }
  return { port: address.port, origin: `http://127.0.0.1:${address.port}`, token }
}

/** One refusal: the head of a request whose body the server refuses before reading it all. */
interface Refusal {
  readonly name: string
  readonly status: number
  readonly code?: string
  readonly method: string
  readonly path: string
  readonly headers: (token: string) => Record<string, string>
  readonly chunked?: boolean
}

const REFUSALS: readonly Refusal[] = [
  {
    name: '413 on the declared length',
    status: 413,
    method: 'POST',
    path: '/api/echo',
    headers: () => ({ 'content-type': 'application/json' }),
  },
  {
    name: '413 on a chunked body past the limit',
    status: 413,
    method: 'POST',
    path: '/api/echo',
    headers: () => ({ 'content-type': 'application/json' }),
    chunked: true,
  },
  {
    name: '401 before the body',
    status: 401,
    code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
    method: 'POST',
    path: '/api/items',
    headers: () => ({ 'content-type': 'application/json' }),
  },
  {
    name: '414 for a path parameter too long',
    status: 414,
    code: 'DARA_ERR_PARAM_TOO_LONG',
    method: 'PUT',
    path: `/api/items/${'1'.repeat(200)}`,
    headers: () => ({ 'content-type': 'application/json' }),
  },
  {
    name: '415 for a type no route parses',
    status: 415,
    method: 'POST',
    path: '/api/text',
    headers: () => ({ 'content-type': 'application/xml' }),
  },
  {
    name: '400 for an upload without its dropzone',
    status: 400,
    code: 'DARA_ERR_UPLOAD_RESOLVER_MISSING',
    method: 'POST',
    path: '/api/core/data/upload',
    headers: (token) => ({
      authorization: `Bearer ${token}`,
      'content-type': 'multipart/form-data; boundary=x',
    }),
  },
]

function head(refusal: Refusal, token: string, extra = ''): string {
  const headers = {
    ...refusal.headers(token),
    ...(refusal.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(BODY) }),
  }
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
  return `${refusal.method} ${refusal.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}${lines.join('')}\r\n`
}

/** The body in pieces of 64 KiB, framed as chunks when the request is chunked. */
function* pieces(chunked: boolean, size = BODY): Generator<Buffer> {
  const piece = Buffer.alloc(64 * 1024, 'x')
  for (let sent = 0; sent < size; sent += piece.length) {
    yield chunked
      ? Buffer.from(`${piece.length.toString(16)}\r\n${'x'.repeat(piece.length)}\r\n`)
      : piece
  }
  if (chunked) yield Buffer.from('0\r\n\r\n')
}

interface Raw {
  readonly socket: Socket
  text: string
  ended: boolean
  closed: boolean
  error: string | undefined
}

/**
 * A raw connection that keeps sending after the server has ended its side, as
 * a client uploading a body does until the body is out (Node's sockets end
 * theirs at once by default).
 */
function open(t: TestContext, port: number): Promise<Raw> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(raw))
    const raw: Raw = { socket, text: '', ended: false, closed: false, error: undefined }
    socket.setEncoding('latin1').on('data', (chunk: string) => (raw.text += chunk))
    socket.on('end', () => (raw.ended = true))
    socket.on('close', () => (raw.closed = true))
    socket.on('error', (error: NodeJS.ErrnoException) => (raw.error ??= error.code))
    t.after(() => socket.destroy())
  })
}

function write(socket: Socket, bytes: Buffer | string): Promise<void> {
  return new Promise((resolve) => socket.write(bytes, () => resolve()))
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.1 \d{3}/g) ?? []
}

void test('after each early refusal, a client still sending its body writes all of it, unrefused', async (t) => {
  const { port, token } = await serve(t)
  for (const refusal of REFUSALS) {
    const raw = await open(t, port)
    const body = [...pieces(refusal.chunked === true)]
    await write(raw.socket, head(refusal, token))
    // Some of the body, until the answer comes: the rest is still to be sent.
    while (body.length > 0 && statusLines(raw.text).length === 0) {
      await write(raw.socket, body.shift() ?? '')
      await sleep(1)
    }
    await until(() => statusLines(raw.text).length > 0, `the answer to ${refusal.name}`)
    assert.match(raw.text, new RegExp(`^HTTP/1\\.1 ${refusal.status} `), refusal.name)
    if (refusal.code) assert.match(raw.text, new RegExp(`"code":"${refusal.code}"`), refusal.name)
    for (const piece of body) {
      if (raw.error || raw.closed) break
      await write(raw.socket, piece)
    }
    assert.equal(raw.error, undefined, `${refusal.name}: the client was reset mid-body`)
    assert.equal(raw.closed, false, `${refusal.name}: the socket closed mid-body`)
    if (/\r\nconnection: close\r\n/i.test(raw.text)) {
      // The server ended its side after the answer, and read until the body was in.
      raw.socket.end()
      await until(() => raw.closed, `${refusal.name}: the connection to close`)
    } else {
      // Kept alive: once the body is in, the connection takes the next request.
      await write(raw.socket, 'GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
      await until(() => statusLines(raw.text).length === 2, `${refusal.name}: the next answer`)
      assert.deepEqual(statusLines(raw.text), [`HTTP/1.1 ${refusal.status}`, 'HTTP/1.1 200'])
    }
    assert.equal(raw.error, undefined, refusal.name)
    raw.socket.destroy()
  }
})

void test('headers too large (431) with a body behind them: the client reads the refusal, no reset', async (t) => {
  const { port } = await serve(t)
  const raw = await open(t, port)
  const refusal = REFUSALS[0] as Refusal
  await write(raw.socket, head(refusal, '', `x-big: ${'y'.repeat(20_000)}\r\n`))
  await until(() => statusLines(raw.text).length > 0, 'the 431')
  assert.match(raw.text, /^HTTP\/1\.1 431 /)
  for (const piece of pieces(false, 512 * 1024)) {
    if (raw.error || raw.closed) break
    await write(raw.socket, piece)
  }
  raw.socket.end()
  await until(() => raw.closed, 'the close')
  assert.equal(raw.error, undefined)
  assert.match(raw.text, /"code":"DARA_ERR_HEADERS_TOO_LARGE"\}$/)
})

void test('undici sending bodies over the limit gets every answer: 0 socket errors', async (t) => {
  const { origin, token } = await serve(t)
  const dispatcher = new Agent({ connections: 4 })
  t.after(() => dispatcher.close())
  const statuses = new Map<string, number>()
  const errors: string[] = []
  const payload = Buffer.alloc(BODY, 'x')
  async function* slowly(): AsyncGenerator<Buffer> {
    for (let sent = 0; sent < BODY; sent += 256 * 1024) {
      yield payload.subarray(sent, sent + 256 * 1024)
      await sleep(1)
    }
  }
  const one = async (refusal: Refusal, i: number): Promise<void> => {
    try {
      const res = await request(`${origin}${refusal.path}`, {
        method: refusal.method,
        headers: refusal.headers(token),
        // Whole, or streamed in pieces (chunked, or with its length when declared).
        body: refusal.chunked || i % 2 === 1 ? Readable.from(slowly()) : payload,
        dispatcher,
      })
      const key = `${refusal.name}: ${res.statusCode}`
      statuses.set(key, (statuses.get(key) ?? 0) + 1)
      await res.body.text()
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
      errors.push(
        `${refusal.name}: ${cause instanceof Error && 'code' in cause ? String(cause.code) : String(cause)}`,
      )
    }
  }
  // 40 of each, four at a time.
  for (const refusal of REFUSALS) {
    for (let i = 0; i < 40; i += 4) await Promise.all([0, 1, 2, 3].map((k) => one(refusal, i + k)))
  }
  assert.deepEqual(errors, [])
  assert.deepEqual(
    Object.fromEntries(statuses),
    Object.fromEntries(REFUSALS.map((r) => [`${r.name}: ${r.status}`, 40])),
  )
  const after = await request(`${origin}/api/hello`, { dispatcher })
  assert.equal(after.statusCode, 200)
  assert.equal(await after.body.text(), '"Hello World"')
})

void test('a refused request past its request timeout gets no second answer', async (t) => {
  const { port } = await serve(t, { limits: { requestTimeout: 600, headersTimeout: 500 } })
  const raw = await open(t, port)
  const refusal = REFUSALS[2] as Refusal
  await write(raw.socket, head(refusal, ''))
  await write(raw.socket, 'x'.repeat(1024))
  await until(() => statusLines(raw.text).length > 0, 'the 401')
  // A byte every 100 ms: the body goes on past the request timeout, never idle long.
  for (let i = 0; i < 15 && !raw.closed; i++) {
    await write(raw.socket, 'x')
    await sleep(100)
  }
  raw.socket.end()
  await until(() => raw.closed, 'the close')
  assert.deepEqual(statusLines(raw.text), ['HTTP/1.1 401'], raw.text)
})

void test('the rest of a refused body is read for bounded time and bytes', async (t) => {
  const { port } = await serve(t)
  const refusal = REFUSALS[0] as Refusal
  const declared = (size: number) =>
    head(refusal, '').replace(`content-length: ${BODY}`, `content-length: ${size}`)

  // A client that stops sending is closed once it has been idle LINGER.idleMs.
  const idle = await open(t, port)
  await write(idle.socket, head(REFUSALS[2] as Refusal, ''))
  await until(() => statusLines(idle.text).length > 0, 'the 401')
  await until(() => idle.ended, 'the server to close the idle connection', LINGER.idleMs + 3000)

  // One that sends without end is cut past LINGER.bytes.
  const flood = await open(t, port)
  await write(flood.socket, declared(4 * LINGER.bytes))
  const piece = Buffer.alloc(MiB, 'x')
  let sent = 0
  while (!flood.closed && !flood.error && sent < 2 * LINGER.bytes) {
    await write(flood.socket, piece)
    sent += piece.length
  }
  assert.ok(sent < 2 * LINGER.bytes, `${sent} bytes read away after the refusal`)
  assert.match(flood.text, /^HTTP\/1\.1 413 /)
})
