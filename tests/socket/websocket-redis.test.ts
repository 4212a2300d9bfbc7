// Two app instances sharing one real Redis (redis-server on a free loopback
// port), each with its own RedisSessionStore connections: a socket open on one
// instance is closed with 4401 when its session is logged out on the other,
// or when the other revokes the user. Nothing but Redis links the two.
import assert from 'node:assert/strict'
import { describe, test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { RedisSessionStore, USER } from 'dara-ts/auth'
import { ws } from 'dara-ts/http'
import { NamedAuth, SECRET, buildApp } from '../helpers/auth.ts'
import { sessionToken } from '../helpers/listen.ts'
import { startRedis } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'
import { closed, connect, nextMessage } from '../helpers/ws-client.ts'

const who = ws('/who', (socket) => {
  socket.on('message', () => socket.send(USER.get()?.identityId ?? 'nobody'))
})

async function instance(t: TestContext, url: string) {
  const config = new ConfigurationBuilder()
  config.addAuth(new NamedAuth())
  config.addEndpoint(who)
  const store = new RedisSessionStore({ url, prefix: 'dara-ws-test:' })
  // Runs after the app's close (t.after runs last-registered first).
  t.after(() => store.close())
  const app = buildApp(t, config, SECRET, {
    sessionStore: store,
    limits: { wsSessionCheck: 50 },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const baseUrl = `http://127.0.0.1:${address.port}`
  return { app, baseUrl, wsUrl: baseUrl.replace('http:', 'ws:') }
}

void describe('websockets on instances sharing Redis', { skip: needs('redis-server') }, () => {
  void test(
    'a logout, or revokeUser, on one instance closes the socket on the other with 4401',
    { timeout: 60_000 },
    async (t) => {
      const redis = await startRedis(t)
      const a = await instance(t, redis.url)
      const b = await instance(t, redis.url)

      const token = await sessionToken(a.baseUrl, { name: 'ada' })
      const socket = await connect(`${b.wsUrl}/api/who`, ['dara.bearer', token])
      socket.send('?')
      assert.equal(await nextMessage(socket), 'ada')
      const ending = closed(socket)
      const res = await fetch(`${a.baseUrl}/api/auth/revoke-session`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(res.status, 200)
      assert.deepEqual(await ending, { code: 4401, reason: 'DARA_ERR_AUTH_REVOKED' })

      const again = await sessionToken(b.baseUrl, { name: 'ada' })
      const second = await connect(`${b.wsUrl}/api/who`, ['dara.bearer', again])
      second.send('?')
      assert.equal(await nextMessage(second), 'ada')
      const secondEnding = closed(second)
      assert.equal(await a.app.sessions.revokeUser('ada'), 1)
      assert.deepEqual(await secondEnding, { code: 4401, reason: 'DARA_ERR_AUTH_REVOKED' })
    },
  )
})
