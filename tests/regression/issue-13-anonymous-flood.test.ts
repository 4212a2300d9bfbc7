// Issue 13, item 10: 100,000 anonymous logins pushed every other session out
// of the memory store (it dropped the oldest). Now anonymous sessions have a
// bound of their own (half the store by default) and go first when the store
// is full: a flood of them pushes out only older anonymous sessions.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { MemorySessionStore, MultiBasicAuthConfig, USER } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { bearer, buildApp, login } from '../helpers/auth.ts'

const LOST = 'DARA_ERR_AUTH_SESSION_LOST'

void test('a flood of anonymous logins keeps the minted sessions, and the newest anonymous ones', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/whoami', () => USER.get()?.identityId))
  config.setSessionStore(new MemorySessionStore({ maxSessions: 40 }))
  const app = buildApp(t, config)
  const script = await app.sessions.mint({ identityId: 'robot', identityName: 'robot', groups: [] })
  const first = await login(app)
  const flood: string[] = []
  for (let i = 0; i < 400; i++) flood.push(await login(app))

  const whoami = (token: string) =>
    app.inject({ method: 'GET', url: '/api/whoami', headers: bearer(token) })
  assert.deepEqual((await whoami(script.token)).json(), 'robot')
  // At most half the store is anonymous: the 20 newest remain.
  const kept = await Promise.all(flood.map(async (token) => (await whoami(token)).statusCode))
  assert.equal(kept.filter((status) => status === 200).length, 20)
  assert.deepEqual(kept.slice(-20), Array<number>(20).fill(200))
  const gone = await whoami(first)
  assert.equal(gone.statusCode, 401)
  assert.equal(gone.json<{ code: string }>().code, LOST)
})

void test('a full store drops anonymous sessions before those of users who logged in', async (t) => {
  const store = new MemorySessionStore({ maxSessions: 10, maxAnonymousSessions: 10 })
  const anonymous = new ConfigurationBuilder()
  anonymous.setSessionStore(store)
  const named = new ConfigurationBuilder()
  named.setSessionStore(store)
  named.addAuth(new MultiBasicAuthConfig({ users: { ada: 'lovelace' } }))
  named.addEndpoint(get('/whoami', () => USER.get()?.identityId))
  const [guests, members] = [buildApp(t, anonymous), buildApp(t, named)]

  const ada = await login(members, { username: 'ada', password: 'lovelace' })
  for (let i = 0; i < 50; i++) await login(guests)
  const res = await members.inject({ method: 'GET', url: '/api/whoami', headers: bearer(ada) })
  assert.deepEqual([res.statusCode, res.json()], [200, 'ada'])
})
