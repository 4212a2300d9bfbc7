// Generated hostile websocket traffic against an app with ws() routes, over a
// real socket: upgrades with bad or forged tokens in the subprotocol, bad
// cookies, foreign or absurd origins, bad params and queries, odd paths (raw
// HTTP upgrades, so that anything can be sent); then, on open sockets, frames
// of every size up to twice the limit and bursts past the message rate. Never
// a 5xx, every refusal of ours a JSON `{ detail }`, a socket ends only with a
// code that says why (1000, 1005, 1008, 1009), and the app still serves.
//
// The seed is printed; replay with DARA_FUZZ_SEED=<seed>.
import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import fc from 'fast-check'
import WebSocket from 'ws'
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { USER } from 'dara-ts/auth'
import { ws } from 'dara-ts/http'
import { NamedAuth, OTHER_SECRET, SECRET, forgeToken } from '../helpers/auth.ts'
import { sessionToken } from '../helpers/listen.ts'

const SEED = Number(process.env['DARA_FUZZ_SEED'] ?? 20_261_130)
const UPGRADES = process.env['CI'] === 'true' ? 2000 : 300
const SOCKETS = process.env['CI'] === 'true' ? 200 : 40
const MAX_PAYLOAD = 4096
const RATE = 20

function fuzzApp() {
  const config = new ConfigurationBuilder()
  config.addAuth(new NamedAuth())
  config.addEndpoint(
    ws('/echo', { authenticated: false, messageRate: RATE }, (socket) => {
      socket.on('message', (data: Buffer) => socket.send(data))
    }),
  )
  config.addEndpoint(
    ws(
      '/rooms/{room}',
      { params: z.object({ room: z.string().max(8) }), query: z.object({ n: z.coerce.number() }) },
      (socket, { params }) => socket.send(`${USER.get()?.identityId} in ${params.room}`),
    ),
  )
  return createApp(config, {
    logger: false,
    secret: SECRET,
    limits: { wsMaxPayload: MAX_PAYLOAD },
  })
}

interface Upgrade {
  readonly path: string
  readonly headers: Record<string, string>
}

/** What the server did with a raw upgrade request: 101, or an HTTP answer. */
function upgrade(
  port: number,
  u: Upgrade,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: u.path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...u.headers,
      },
      timeout: 5000,
    })
    req.once('timeout', () => req.destroy(new Error('timed out')))
    req.once('upgrade', (res: IncomingMessage, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode ?? 0, type: '', body: '' })
    })
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.once('error', reject)
    req.end()
  })
}

void test(`${UPGRADES} generated websocket upgrades and ${SOCKETS} sockets of hostile frames: never a 5xx, never a crash`, async (t) => {
  console.log(`# ws fuzz seed ${SEED} (replay: DARA_FUZZ_SEED=${SEED})`)
  const app = fuzzApp()
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const { port } = address
  const origin = `http://127.0.0.1:${port}`
  const token = await sessionToken(origin, { name: 'ada' })
  const login = await fetch(`${origin}/api/auth/session`, {
    method: 'POST',
    body: JSON.stringify({ name: 'bea' }),
    headers: { 'content-type': 'application/json' },
  })
  const cookie = login.headers.getSetCookie()[0]?.split(';', 1)[0] ?? ''
  const forged = await forgeToken({ secret: OTHER_SECRET })

  const path = fc.oneof(
    fc.constantFrom('/api/echo', '/api/rooms/lobby?n=1', '/api/rooms/lobby', '/api/rooms/x?n=y'),
    fc.constantFrom('/api/rooms/toolongname?n=1', '/api/nope', '/api/rooms/%ZZ?n=1', '/api//echo'),
    fc
      .string({ maxLength: 40 })
      .map((s) => `/api/rooms/${encodeURIComponent(s)}?n=${encodeURIComponent(s)}`),
  )
  const protocol = fc.option(
    fc.oneof(
      fc.constantFrom(
        `dara.bearer, ${token}`,
        `dara.bearer, ${forged}`,
        'dara.bearer',
        'dara.bearer,',
        `${token}, dara.bearer`,
        'dara.bearer, not.a.jwt',
        `chat, dara.bearer, ${token}`,
        ',,,',
        'dara.bearer, dara.bearer',
      ),
      fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
      fc
        .string({ minLength: 1, maxLength: 30 })
        .map((s) => `dara.bearer, ${'x'.repeat(2000)}${s.length}`),
    ),
    { nil: undefined },
  )
  const originHeader = fc.option(
    fc.oneof(
      fc.constantFrom(
        origin,
        'https://evil.example',
        'null',
        'http://127.0.0.1',
        `${origin}/x`,
        'not a url',
      ),
      fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    ),
    { nil: undefined },
  )
  const cookieHeader = fc.option(
    fc.constantFrom(
      cookie,
      'dara_session_token=garbage',
      'dara_session_token=',
      `${cookie}; ${cookie}`,
    ),
    { nil: undefined },
  )
  const upgrades = fc
    .record({ path, protocol, origin: originHeader, cookie: cookieHeader })
    .map((g): Upgrade => ({
      path: g.path,
      headers: {
        ...(g.protocol === undefined ? {} : { 'sec-websocket-protocol': g.protocol }),
        ...(g.origin === undefined ? {} : { origin: g.origin }),
        ...(g.cookie === undefined ? {} : { cookie: g.cookie }),
      },
    }))

  const statuses = new Map<number, number>()
  await fc.assert(
    fc.asyncProperty(upgrades, async (u) => {
      const res = await upgrade(port, u)
      const where = `${res.status} for ${u.path} ${JSON.stringify(u.headers).slice(0, 300)}\n-> ${res.body.slice(0, 300)}`
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      assert.ok(res.status === 101 || (res.status >= 400 && res.status < 500), where)
      // ws itself refuses a malformed Sec-WebSocket-Protocol with a plain 400; every other refusal is ours.
      if (res.status !== 101 && res.type.startsWith('application/json')) {
        const body: unknown = JSON.parse(res.body)
        assert.ok(typeof body === 'object' && body !== null && 'detail' in body, where)
        assert.ok(!res.body.includes('    at '), `a stack trace leaked: ${where}`)
      } else if (res.status !== 101) {
        assert.equal(res.status, 400, where)
      }
    }),
    { seed: SEED, numRuns: UPGRADES, endOnFailure: true, includeErrorInReport: true },
  )
  console.log(`# ws fuzz upgrades: ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`)
  for (const status of [101, 401, 403, 422]) assert.ok(statuses.has(status), `no ${status}`)

  const frames = fc.array(fc.nat({ max: MAX_PAYLOAD * 2 }), { minLength: 1, maxLength: RATE * 2 })
  const endings = new Map<number, number>()
  await fc.assert(
    fc.asyncProperty(frames, async (sizes) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/echo`, { handshakeTimeout: 5000 })
      const ended = new Promise<number>((resolve, reject) => {
        socket.once('close', (code: number) => resolve(code))
        socket.once('error', reject)
        setTimeout(() => reject(new Error('the socket neither closed nor answered')), 5000)
      })
      await new Promise((resolve, reject) => {
        socket.once('open', resolve)
        socket.once('error', reject)
      })
      for (const size of sizes) socket.send(Buffer.alloc(size, 0x61))
      // Then a normal close: a socket the server kept open ends with 1000 (or 1005).
      socket.close(1000)
      const code = await ended
      endings.set(code, (endings.get(code) ?? 0) + 1)
      const tooBig = sizes.some((size) => size > MAX_PAYLOAD)
      assert.ok(
        [1000, 1005, 1008, 1009].includes(code),
        `closed with ${code} after ${sizes.length} frames`,
      )
      if (code === 1009) assert.ok(tooBig, 'closed as too big without a frame past the limit')
    }),
    { seed: SEED, numRuns: SOCKETS, endOnFailure: true, includeErrorInReport: true },
  )
  console.log(`# ws fuzz sockets: closed ${[...endings].map(([c, n]) => `${c}: ${n}`).join(', ')}`)

  // Still serving, over HTTP and websockets.
  assert.equal((await fetch(`${origin}/api/core/health`)).status, 200)
  const echo = new WebSocket(`ws://127.0.0.1:${port}/api/echo`)
  const answer = await new Promise<string>((resolve, reject) => {
    echo.once('open', () => echo.send('still here'))
    echo.once('message', (data: Buffer) => resolve(data.toString('utf8')))
    echo.once('error', reject)
  })
  assert.equal(answer, 'still here')
  echo.close()
})
