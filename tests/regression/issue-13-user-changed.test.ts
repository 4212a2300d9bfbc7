// Issue 13, item 7: removing a user, or changing their groups or password,
// left their sessions working for 7 days, across restarts. Now every use of a
// session (token, cookie, refresh) checks the user against the auth config of
// the app that serves it, and `app.sessions.revokeUser(id)` ends all of a
// user's sessions at once.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, type DaraApp } from 'dara-ts'
import { MemorySessionStore, MultiBasicAuthConfig, USER, type BasicUser } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { bearer, buildApp } from '../helpers/auth.ts'
import { call, startDara, stopDara } from '../helpers/processes.ts'

const CHANGED = {
  detail:
    'Account changed: the user was removed, or their name, groups or password changed, since this session began; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_USER_CHANGED',
}
const REVOKED = {
  detail: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_REVOKED',
}
const BEFORE: Record<string, BasicUser> = {
  ada: 'old-password',
  grace: { password: 'cobol', groups: ['admins'] },
  bob: 'builder',
  dave: 'unchanged',
}
const AFTER: Record<string, BasicUser> = {
  ada: 'new-password',
  grace: { password: 'cobol', groups: [] },
  dave: 'unchanged',
}

/** An app of these users over `store`: two of them over one store are one app before and after a restart. */
function appOf(t: TestContext, users: Record<string, BasicUser>, store: MemorySessionStore) {
  const config = new ConfigurationBuilder()
  config.addAuth(new MultiBasicAuthConfig({ users }))
  config.setSessionStore(store)
  config.addEndpoint(get('/whoami', () => USER.get()?.identityId))
  return buildApp(t, config)
}

async function login(app: DaraApp, username: string, password: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/session',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
  })
  assert.equal(res.statusCode, 200, res.body)
  const { token, refreshToken } = res.json<{ token: string; refreshToken: string }>()
  const cookie = String(res.headers['set-cookie']).split(';')[0] ?? ''
  return { token, refreshToken, cookie }
}

type Held = Awaited<ReturnType<typeof login>>

/** Each way a session is used: token, cookie, refresh; the status and body of each. */
async function uses(app: DaraApp, held: Held) {
  const byToken = await app.inject({
    method: 'GET',
    url: '/api/whoami',
    headers: bearer(held.token),
  })
  const byCookie = await app.inject({
    method: 'GET',
    url: '/api/whoami',
    headers: { cookie: held.cookie },
  })
  const refresh = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh-token',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ refreshToken: held.refreshToken }),
  })
  return [byToken, byCookie, refresh].map((res) => [res.statusCode, res.json<unknown>()])
}

void test('sessions of a removed user, or of one whose groups or password changed, stop on every use', async (t) => {
  const store = new MemorySessionStore()
  const before = appOf(t, BEFORE, store)
  const held = {
    ada: await login(before, 'ada', 'old-password'),
    grace: await login(before, 'grace', 'cobol'),
    bob: await login(before, 'bob', 'builder'),
    dave: await login(before, 'dave', 'unchanged'),
  }
  const minted = await before.sessions.mint({ identityId: 'bob', identityName: 'bob', groups: [] })

  const after = appOf(t, AFTER, store)
  for (const name of ['ada', 'grace', 'bob'] as const) {
    assert.deepEqual(
      await uses(after, held[name]),
      [
        [401, CHANGED],
        [401, CHANGED],
        [401, CHANGED],
      ],
      name,
    )
  }
  const script = await after.inject({
    method: 'GET',
    url: '/api/whoami',
    headers: bearer(minted.token),
  })
  assert.deepEqual([script.statusCode, script.json()], [401, CHANGED])
  // An unchanged user goes on, and a changed one logs in again.
  const [token, cookie, refresh] = await uses(after, held.dave)
  assert.deepEqual([token, cookie, refresh?.[0]], [[200, 'dave'], [200, 'dave'], 200])
  assert.equal((await login(after, 'ada', 'new-password')).token.length > 20, true)
})

void test('app.sessions.revokeUser ends every session of one user, logins and minted tokens', async (t) => {
  const store = new MemorySessionStore()
  const app = appOf(t, BEFORE, store)
  const first = await login(app, 'dave', 'unchanged')
  const second = await login(app, 'dave', 'unchanged')
  const minted = await app.sessions.mint({ identityId: 'dave', identityName: 'dave', groups: [] })
  const other = await login(app, 'ada', 'old-password')
  assert.equal(await app.sessions.revokeUser('dave'), 3)
  for (const token of [first.token, second.token, minted.token]) {
    const res = await app.inject({ method: 'GET', url: '/api/whoami', headers: bearer(token) })
    assert.deepEqual([res.statusCode, res.json()], [401, REVOKED])
  }
  const byCookie = await app.inject({
    method: 'GET',
    url: '/api/whoami',
    headers: { cookie: first.cookie },
  })
  assert.deepEqual([byCookie.statusCode, byCookie.json()], [401, REVOKED])
  const ada = await app.inject({ method: 'GET', url: '/api/whoami', headers: bearer(other.token) })
  assert.equal(ada.json(), 'ada')
})

void test(
  'dara start restarted with an edited user list refuses the sessions of the users it changed',
  { timeout: 90_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dara-users-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const entry = 'tests/fixtures/users-app.ts'
    const env = (users: Record<string, BasicUser>) => ({
      NODE_ENV: 'production',
      DARA_JWT_SECRET: 'issue-13-user-changed-secret-0123456789',
      DARA_SESSION_FILE: join(dir, 'sessions.json'),
      DARA_TEST_USERS: JSON.stringify(users),
    })
    const first = await startDara(t, entry, env(BEFORE))
    const tokens: Record<string, string> = {}
    for (const [username, password] of [
      ['ada', 'old-password'],
      ['grace', 'cobol'],
      ['dave', 'unchanged'],
    ] as const) {
      const res = await call(`${first.url}/api/auth/session`, {
        method: 'POST',
        json: { username, password },
      })
      assert.equal(res.status, 200)
      tokens[username] = String((res.body as { token: string }).token)
    }
    await stopDara(first)
    const second = await startDara(t, entry, env(AFTER))
    for (const [name, status] of [
      ['ada', 401],
      ['grace', 401],
      ['dave', 200],
    ] as const) {
      const res = await call(`${second.url}/api/whoami`, { headers: bearer(tokens[name] ?? '') })
      assert.equal(res.status, status, name)
      if (status === 401) assert.deepEqual(res.body, CHANGED)
    }
  },
)
