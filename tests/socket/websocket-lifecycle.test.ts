// What ends an open websocket, on a real socket with a real client: its session
// ending (logout, an admin's revoke, revokeUser, expiry) closes it with 4401;
// a message past the size limit with 1009; too many messages with 1008; the
// app's close() with 1001, and close() does not wait on the client.
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, type AppOptions } from 'dara-ts'
import { USER } from 'dara-ts/auth'
import { ws } from 'dara-ts/http'
import { NamedAuth, buildApp, claimsOf, manualClock } from '../helpers/auth.ts'
import { sessionToken } from '../helpers/listen.ts'
import { closed, connect, nextMessage } from '../helpers/ws-client.ts'

const ticks = ws('/ticks', (socket) => {
  socket.on('message', (data: Buffer) => socket.send(`${USER.get()?.identityId}: ${data.length}`))
})
const chatty = ws('/chatty', { authenticated: false, messageRate: 5 }, (socket) => {
  socket.on('message', () => socket.send('ok'))
})

async function start(t: TestContext, options: AppOptions = {}) {
  const config = new ConfigurationBuilder()
  config.addAuth(new NamedAuth())
  config.addEndpoint(ticks)
  config.addEndpoint(chatty)
  const app = buildApp(t, config, undefined, {
    limits: { wsSessionCheck: 50, wsMaxPayload: 1024 },
    ...options,
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const baseUrl = `http://127.0.0.1:${address.port}`
  return { app, baseUrl, wsUrl: baseUrl.replace('http:', 'ws:') }
}

async function open(baseUrl: string, wsUrl: string, name = 'alice') {
  const token = await sessionToken(baseUrl, { name })
  const socket = await connect(`${wsUrl}/api/ticks`, ['dara.bearer', token])
  socket.send('x')
  assert.equal(await nextMessage(socket), `${name}: 1`)
  return { token, socket }
}

void test('logging out (revoke-session) closes the open socket with 4401', async (t) => {
  const { baseUrl, wsUrl } = await start(t)
  const { token, socket } = await open(baseUrl, wsUrl)
  const ending = closed(socket)
  const res = await fetch(`${baseUrl}/api/auth/revoke-session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  })
  assert.equal(res.status, 200)
  assert.deepEqual(await ending, { code: 4401, reason: 'DARA_ERR_AUTH_REVOKED' })
})

void test("an admin's revoke of the session, and revokeUser, close the user's sockets with 4401", async (t) => {
  const { app, baseUrl, wsUrl } = await start(t)
  const first = await open(baseUrl, wsUrl)
  const other = await open(baseUrl, wsUrl, 'bob')
  const ending = closed(first.socket)
  await app.sessions.revoke(claimsOf(first.token).sid)
  assert.deepEqual(await ending, { code: 4401, reason: 'DARA_ERR_AUTH_REVOKED' })

  const second = await open(baseUrl, wsUrl)
  const third = await open(baseUrl, wsUrl)
  const both = Promise.all([closed(second.socket), closed(third.socket)])
  assert.equal(await app.sessions.revokeUser('alice'), 2)
  assert.deepEqual(await both, [
    { code: 4401, reason: 'DARA_ERR_AUTH_REVOKED' },
    { code: 4401, reason: 'DARA_ERR_AUTH_REVOKED' },
  ])
  // Bob's session lives on, and so does his socket.
  other.socket.send('still')
  assert.equal(await nextMessage(other.socket), 'bob: 5')
  other.socket.close()
})

void test('the session expiring closes the socket with 4401', async (t) => {
  const clock = manualClock()
  const { baseUrl, wsUrl } = await start(t, { clock: clock.now })
  const { socket } = await open(baseUrl, wsUrl)
  const ending = closed(socket)
  // Past any session's life (the default is days, not years).
  clock.advance(365 * 24 * 3600 * 1000)
  assert.deepEqual(await ending, { code: 4401, reason: 'DARA_ERR_AUTH_SESSION_EXPIRED' })
})

void test('a message past wsMaxPayload closes the socket with 1009; one at the limit goes through', async (t) => {
  const { baseUrl, wsUrl } = await start(t)
  const { socket } = await open(baseUrl, wsUrl)
  socket.send(Buffer.alloc(1024))
  assert.equal(await nextMessage(socket), 'alice: 1024')
  const ending = closed(socket)
  socket.send(Buffer.alloc(1025))
  assert.equal((await ending).code, 1009)
})

void test('more messages than messageRate closes the socket with 1008', async (t) => {
  const { wsUrl } = await start(t)
  const socket = await connect(`${wsUrl}/api/chatty`)
  const ending = closed(socket)
  for (let i = 0; i < 20; i++) socket.send('hi')
  assert.deepEqual(await ending, { code: 1008, reason: 'message rate limit' })
})

void test('close() closes open sockets with 1001 and finishes', async (t) => {
  const { app, baseUrl, wsUrl } = await start(t)
  const { socket } = await open(baseUrl, wsUrl)
  const ending = closed(socket)
  await app.close()
  assert.deepEqual(await ending, { code: 1001, reason: 'server shutting down' })
})

void test('close() finishes even when a client never answers the closing handshake', async (t) => {
  const { app, baseUrl, wsUrl } = await start(t)
  const { socket } = await open(baseUrl, wsUrl)
  // A client that stops reading: it never sends its close frame back.
  // Sound: ws keeps its net.Socket as `_socket`; pausing it is how a client stops answering.
  const raw = (socket as unknown as { _socket: Socket })._socket
  raw.pause()
  await app.close()
  // The server cut the connection: the client sees it once it reads again.
  const ending = new Promise((resolve) => raw.once('close', resolve))
  raw.resume()
  await ending
})
