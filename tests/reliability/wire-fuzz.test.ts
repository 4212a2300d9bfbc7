// Generated bad HTTP on a real socket, for what app.inject cannot send: request
// lines and versions that are not HTTP/1.1, duplicate or conflicting
// Content-Length and Transfer-Encoding (the stuff of request smuggling), broken
// chunked bodies, bare LF, NUL bytes, header names that are not tokens. Every
// answer is a status below 500, every error answer has `{ detail }`, and the
// server keeps answering. The seed is printed; DARA_FUZZ_SEED replays it.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import fc from 'fast-check'
import { createApp } from 'dara-ts'
import { everyRoute } from '../fixtures/every-route.ts'
import { SECRET } from '../helpers/auth.ts'
import { listen } from '../helpers/raw-socket.ts'

const SEED = Number(process.env['DARA_FUZZ_SEED'] ?? 20_261_125)
const RUNS = Number(process.env['DARA_WIRE_FUZZ_RUNS'] ?? 400)

/** Mostly `good`, sometimes `bad`: each part of a request is broken alone often enough. */
const mostly = <T>(good: readonly T[], bad: readonly T[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...good) },
    { weight: 1, arbitrary: fc.constantFrom(...bad) },
  )

const method = mostly(['GET', 'POST', 'PUT'], ['get', 'G ET', 'PRI', 'CONNECT', 'TRACE', ''])
const target = mostly(
  ['/api/hello', '/api/echo', '/api/text', '/api/items/1'],
  [
    'http://127.0.0.1/api/hello',
    '*',
    '/api/hello world',
    '/api/\u0000',
    '/api/h\u00e9llo',
    '//',
    '',
    'api/hello',
  ],
)
const version = mostly(['HTTP/1.1', 'HTTP/1.0'], ['HTTP/2.0', 'HTTP/0.9', 'HTTX/1.1', ''])
const eol = mostly(['\r\n'], ['\n', '\r'])

const header = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'Content-Type: application/json',
      'Content-Length: 2',
      'Accept: */*',
    ),
  },
  fc.constantFrom(
    'Host: 127.0.0.1',
    'Host: 127.0.0.1',
    'Host: a, b',
    'Content-Type: application/json',
    'Content-Type: text/plain',
    'Content-Length: 2',
    'Content-Length: 5',
    'Content-Length: -1',
    'Content-Length: 1e3',
    'Content-Length: 99999999999999999999',
    'Content-Length: 2, 3',
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: gzip, chunked',
    'Transfer-Encoding: chunked, identity',
    'Transfer-Encoding : chunked',
    'Transfer-Encoding:\tchunked',
    'Expect: 100-continue',
    'Connection: keep-alive, Upgrade',
    'Upgrade: websocket',
    'X-Folded: a',
    ' continued-obs-fold',
    'Bad Header: x',
    'X-Nul: a\u0000b',
    'X-Latin: \u00ff',
    ': empty-name',
    'Authorization: Bearer a.b.c',
  ),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z-]{1,12}$/), fc.string({ maxLength: 30 }))
    .map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, '')}`),
)

const body = fc.constantFrom(
  '',
  '{}',
  '"x"',
  'hello',
  '0\r\n\r\n',
  '2\r\n{}\r\n0\r\n\r\n',
  'zz\r\n{}\r\n0\r\n\r\n',
  'ffffffffffffffffff\r\n',
  '2;ext=1\r\n{}\r\n0\r\n\r\n',
  '5\r\n{}\r\n',
  '2\r\n{}\r\n0\r\nTrailer: x\r\n\r\n',
  'GET /api/hello HTTP/1.1\r\nHost: x\r\n\r\n',
)

const rawRequest = fc
  .record({
    method,
    target,
    version,
    eol,
    host: fc.constantFrom(true, true, true, false),
    headers: fc.array(header, { maxLength: 6 }),
    body,
  })
  .map((r) => {
    const headers = r.host ? ['Host: 127.0.0.1', ...r.headers] : r.headers
    const head = headers.map((h) => h + r.eol).join('')
    return `${r.method} ${r.target} ${r.version}${r.eol}${head}${r.eol}${r.body}`
  })

/** Writes the bytes, half-closes, and reads until the server closes (1 s at most). */
function exchangeRaw(port: number, bytes: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.end(Buffer.from(bytes, 'latin1'))
    })
    let text = ''
    socket.setEncoding('latin1').on('data', (chunk: string) => (text += chunk))
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ text, closed: false })
    }, 1000)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ text, closed: true })
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a connection it refused while bytes were still coming.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error)
    })
  })
}

void test(`${RUNS} generated raw requests: no 5xx, { detail } on every error, the server stays up`, async (t) => {
  console.log(`# wire fuzz seed ${SEED} (replay: DARA_FUZZ_SEED=${SEED}), ${RUNS} requests`)
  const app = createApp(everyRoute(), { logger: false, secret: SECRET })
  const port = await listen(t, app)
  const statuses = new Map<string, number>()

  await fc.assert(
    fc.asyncProperty(rawRequest, async (bytes) => {
      const { text, closed } = await exchangeRaw(port, bytes)
      const where = `${JSON.stringify(bytes)}\n-> ${JSON.stringify(text.slice(0, 400))}`
      assert.ok(closed, `the server kept a half-closed socket open: ${where}`)
      const answers = text.split(/(?=HTTP\/1\.[01] \d{3} )/).filter(Boolean)
      if (answers.length === 0) statuses.set('none', (statuses.get('none') ?? 0) + 1)
      for (const answer of answers) {
        const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(answer)?.[1])
        statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1)
        assert.ok(status >= 100 && status < 500, where)
        if (status >= 400 && !/^HEAD /.test(bytes)) assert.match(answer, /"detail":/, where)
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
  )

  const summary = [...statuses].sort().map(([s, n]) => `${s}: ${n}`)
  console.log(`# wire fuzz: ${RUNS} requests; answers ${summary.join(', ')}`)
  const res = await fetch(`http://127.0.0.1:${port}/api/hello`)
  assert.equal(res.status, 200)
  assert.ok(statuses.has('200') && statuses.has('400'), summary.join(', '))
})
