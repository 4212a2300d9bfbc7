// ws() endpoints on a real socket, through a real client (the `ws` package):
// the upgrade's auth, validation, dependencies and configurations, refusals as
// HTTP answers before the upgrade, and USER inside the handler.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { test, type TestContext } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { SESSION, USER } from 'dara-ts/auth'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, HttpError, ws } from 'dara-ts/http'
import { NamedAuth, claimsOf } from '../helpers/auth.ts'
import { listen, sessionToken } from '../helpers/listen.ts'
import { connect, nextJson, nextMessage, refused } from '../helpers/ws-client.ts'

class Greeting extends EndpointConfiguration<{ word: string }> {
  declare word: string
}

const echo = ws('/echo', { authenticated: false }, (socket) => {
  socket.on('message', (data: Buffer) => socket.send(`echo: ${data.toString('utf8')}`))
})

const me = ws('/me', (socket) => {
  socket.send(JSON.stringify({ user: USER.get()?.identityId, session: SESSION.get() }))
  // In a listener too: the message arrives in the connection's context, not the handler's.
  socket.on('message', () => socket.send(JSON.stringify({ later: USER.get()?.identityId })))
})

const room = dependency(function room({ headers }) {
  if (headers['x-room-key'] === 'wrong') throw new HttpError(403, 'Wrong room key')
  return { opened: USER.get()?.identityId }
})

const rooms = ws(
  '/rooms/{room}',
  {
    params: z.object({ room: z.string().regex(/^[a-z]+$/) }),
    query: z.object({ n: z.coerce.number().int() }),
    inject: { greeting: Greeting, opened: room },
  },
  (socket, { params, query, greeting, opened }) => {
    socket.send(JSON.stringify({ room: params.room, n: query.n, word: greeting.word, opened }))
  },
)

async function app(t: TestContext) {
  const config = new ConfigurationBuilder()
  config.addAuth(new NamedAuth())
  config.addConfiguration(new Greeting({ word: 'hello' }))
  for (const route of [echo, me, rooms]) config.addEndpoint(route)
  const { app, baseUrl } = await listen(t, config)
  return { app, baseUrl, wsUrl: baseUrl.replace('http:', 'ws:') }
}

void test('a public ws() endpoint echoes over a real socket', async (t) => {
  const { wsUrl } = await app(t)
  const socket = await connect(`${wsUrl}/api/echo`)
  socket.send('hi')
  assert.equal(await nextMessage(socket), 'echo: hi')
  socket.close()
})

const NO_CREDENTIALS = {
  detail:
    'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
  code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
}

/** Logs in over the socket and gives the session cookie's `name=value`. */
async function loginCookie(baseUrl: string, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/session`, {
    method: 'POST',
    body: JSON.stringify({ name }),
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(res.status, 200)
  const pair = res.headers.getSetCookie()[0]?.split(';', 1)[0]
  assert.ok(pair !== undefined && pair.startsWith('dara_session_token='), String(pair))
  return pair
}

void test('without credentials the upgrade is refused with 401 over HTTP, the handler never runs', async (t) => {
  const { wsUrl } = await app(t)
  const refusal = await refused(`${wsUrl}/api/me`)
  assert.equal(refusal.status, 401)
  assert.deepEqual(refusal.body, NO_CREDENTIALS)
  assert.equal(refusal.headers['www-authenticate'], 'Bearer realm="dara"')
  // The server closes the connection after a refused upgrade, and says so.
  assert.equal(refusal.headers.connection, 'close')
})

void test('a token as the subprotocol pair ["dara.bearer", token] opens the socket; only dara.bearer is echoed', async (t) => {
  const { baseUrl, wsUrl } = await app(t)
  const token = await sessionToken(baseUrl, { name: 'alice' })
  const socket = await connect(`${wsUrl}/api/me`, ['dara.bearer', token])
  assert.equal(socket.protocol, 'dara.bearer')
  assert.deepEqual(await nextJson(socket), { user: 'alice', session: claimsOf(token).sid })
  socket.send('again')
  assert.deepEqual(await nextJson(socket), { later: 'alice' })
  socket.close()
})

void test('a bad token in the subprotocol, or dara.bearer without one, is refused with 401', async (t) => {
  const { wsUrl } = await app(t)
  const bad = await refused(`${wsUrl}/api/me`, ['dara.bearer', 'not.a.token'])
  assert.equal(bad.status, 401)
  assert.equal((bad.body as { code: string }).code, 'DARA_ERR_AUTH_MALFORMED')
  const missing = await refused(`${wsUrl}/api/me`, ['dara.bearer'])
  assert.equal(missing.status, 401)
  assert.deepEqual(missing.body, {
    detail:
      'The subprotocol "dara.bearer" must be followed by the token: new WebSocket(url, ["dara.bearer", token])',
    code: 'DARA_ERR_WS_BEARER',
  })
})

void test("the session cookie opens the socket from the app's own origin", async (t) => {
  const { baseUrl, wsUrl } = await app(t)
  const cookie = await loginCookie(baseUrl, 'carol')
  const socket = await connect(`${wsUrl}/api/me`, [], { headers: { cookie, origin: baseUrl } })
  assert.equal(((await nextJson(socket)) as { user: string }).user, 'carol')
  socket.close()
})

void test('the session cookie from another origin is refused with 403 (cross-site websocket hijacking)', async (t) => {
  const { baseUrl, wsUrl } = await app(t)
  const cookie = await loginCookie(baseUrl, 'carol')
  const foreign = await refused(`${wsUrl}/api/me`, [], {
    headers: { cookie, origin: 'https://evil.example' },
  })
  assert.equal(foreign.status, 403)
  assert.deepEqual(foreign.body, {
    detail:
      'Websocket refused: its Origin "https://evil.example" is not this site. A websocket authenticated by the session cookie must be opened from this site (or an origin in trustedOrigins); programs send the token as the subprotocols ["dara.bearer", token]',
    code: 'DARA_ERR_WS_ORIGIN',
  })
  const none = await refused(`${wsUrl}/api/me`, [], { headers: { cookie } })
  assert.equal(none.status, 403)
  assert.equal((none.body as { code: string }).code, 'DARA_ERR_WS_ORIGIN')
})

void test('params and query are validated before the upgrade: 422 with every field', async (t) => {
  const { baseUrl, wsUrl } = await app(t)
  const token = await sessionToken(baseUrl, { name: 'alice' })
  const refusal = await refused(`${wsUrl}/api/rooms/NOPE?n=x`, ['dara.bearer', token])
  assert.equal(refusal.status, 422)
  assert.deepEqual(
    (refusal.body as { detail: { in: string; path: string[] }[] }).detail.map((i) => [
      i.in,
      i.path,
    ]),
    [
      ['path', ['room']],
      ['query', ['n']],
    ],
  )
})

void test("dependencies run as the caller and configurations are injected; a dependency's HttpError refuses", async (t) => {
  const { baseUrl, wsUrl } = await app(t)
  const token = await sessionToken(baseUrl, { name: 'alice' })
  const socket = await connect(`${wsUrl}/api/rooms/lobby?n=3`, ['dara.bearer', token])
  assert.deepEqual(await nextJson(socket), {
    room: 'lobby',
    n: 3,
    word: 'hello',
    opened: { opened: 'alice' },
  })
  socket.close()
  const refusal = await refused(`${wsUrl}/api/rooms/lobby?n=3`, ['dara.bearer', token], {
    headers: { 'x-room-key': 'wrong' },
  })
  assert.equal(refusal.status, 403)
  assert.deepEqual(refusal.body, { detail: 'Wrong room key' })
})

void test('a plain GET on a ws() endpoint answers 426', async (t) => {
  const { baseUrl } = await app(t)
  const res = await fetch(`${baseUrl}/api/echo`)
  assert.equal(res.status, 426)
  assert.deepEqual(await res.json(), {
    detail:
      'GET /echo is a websocket endpoint: open it with a websocket client (Upgrade: websocket), not a plain request',
    code: 'DARA_ERR_WS_UPGRADE_REQUIRED',
  })
})

void test('an upgrade refused before any route (a bad URL) is answered, then its connection closed', async (t) => {
  const { baseUrl } = await app(t)
  const { port } = new URL(baseUrl)
  const answer = await new Promise<{ status: number; connection: unknown; body: string }>(
    (resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: '/api/rooms/%ZZ?n=1',
        agent: false,
        timeout: 5000,
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': randomBytes(16).toString('base64'),
        },
      })
      req.once('timeout', () => req.destroy(new Error('timed out')))
      req.once('response', (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        // 'close' of the response: the server ended the connection (a kept one would not end).
        res.socket.once('close', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
        )
      })
      req.once('error', reject)
      req.end()
    },
  )
  assert.deepEqual(answer, {
    status: 400,
    connection: 'close',
    body: JSON.stringify({
      detail:
        'The path "/api/rooms/%ZZ?n=1" is not a valid URL: write a "%" that is not an escape as %25',
      code: 'DARA_ERR_BAD_URL',
    }),
  })
})
