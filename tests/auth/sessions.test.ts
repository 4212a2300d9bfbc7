// The session routes through a program's eyes (Bearer tokens): verify, user,
// refresh with rotation and reuse detection, revoke, expiry on a test clock,
// and tokens minted by the app for scripts.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { decodeJwt } from 'jose'
import { ConfigurationBuilder, type DaraApp } from 'dara-ts'
import { DefaultAuthConfig, MemorySessionStore, USER, type AuthConfigOptions } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { SECRET, bearer, buildApp, claimsOf, manualClock } from '../helpers/auth.ts'

interface Pair {
  readonly token: string
  readonly refreshToken: string
  readonly expiresIn: number
}

const REVOKED = {
  detail: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_REVOKED',
}
const REUSED = {
  detail:
    'Refresh token already used: someone else may hold it, so its session is now revoked; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_REFRESH_REUSED',
}
const REFRESH_INVALID = {
  detail:
    'Invalid refresh token: it is not one this app issued; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_REFRESH_INVALID',
}
const SESSION_EXPIRED = {
  detail: 'Session expired: log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_SESSION_EXPIRED',
}
const EXPIRED = {
  detail: 'Token expired: get a new one from POST /api/auth/session',
  code: 'DARA_ERR_AUTH_EXPIRED',
}
const body = (detail: string) => ({ detail, code: 'DARA_ERR_AUTH_BODY' })

function appWith(t: TestContext, options: AuthConfigOptions = {}) {
  const clock = manualClock()
  const calls = { secret: 0 }
  const config = new ConfigurationBuilder()
  config.addAuth(new DefaultAuthConfig(options))
  config.addEndpoint(
    get('/secret', () => {
      calls.secret++
      return USER.get()?.identityId
    }),
  )
  const app = buildApp(t, config, SECRET, { clock: clock.now })
  return { app, clock, calls }
}

async function loginPair(app: DaraApp): Promise<Pair> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/session' })
  assert.equal(res.statusCode, 200, res.body)
  return res.json<Pair>()
}

function refresh(app: DaraApp, payload: unknown) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/refresh-token',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  })
}

function secret(app: DaraApp, token: string) {
  return app.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
}

void test('POST /api/auth/verify-session answers the session id and its end', async (t) => {
  const { app, clock } = appWith(t)
  const { token } = await loginPair(app)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-session',
    headers: bearer(token),
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), {
    sessionId: claimsOf(token).sid,
    expiresAt: new Date(clock.now() + 900_000).toISOString(),
  })
  assert.equal(res.headers['set-cookie'], undefined)
})

void test('GET /api/auth/user answers the current user; 401 without a token', async (t) => {
  const { app } = appWith(t)
  const { token } = await loginPair(app)
  const res = await app.inject({ method: 'GET', url: '/api/auth/user', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { identityId: 'user', identityName: 'user', groups: [] })
  const refused = await app.inject({ method: 'GET', url: '/api/auth/user' })
  assert.equal(refused.statusCode, 401)
  assert.equal(refused.json<{ code: string }>().code, 'DARA_ERR_AUTH_NO_CREDENTIALS')
})

void test('an access token lives 15 minutes by default, to the millisecond on the clock', async (t) => {
  const { app, clock, calls } = appWith(t)
  const { token, expiresIn } = await loginPair(app)
  assert.equal(expiresIn, 900)
  clock.advance(899_999)
  assert.equal((await secret(app, token)).statusCode, 200)
  clock.advance(1)
  const res = await secret(app, token)
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), EXPIRED)
  assert.equal(calls.secret, 1)
})

void test('the token lifetime is configurable', async (t) => {
  const { app, clock } = appWith(t, { tokenTtlSeconds: 30 })
  const { token, expiresIn } = await loginPair(app)
  assert.equal(expiresIn, 30)
  const claims = decodeJwt(token)
  assert.equal(Number(claims.exp) - Number(claims.iat), 30)
  clock.advance(30_000)
  assert.deepEqual((await secret(app, token)).json(), EXPIRED)
})

void test('refresh: a new pair for the same session; the old refresh token works once', async (t) => {
  const { app, clock } = appWith(t)
  const first = await loginPair(app)
  clock.advance(600_000)
  const res = await refresh(app, { refreshToken: first.refreshToken })
  assert.equal(res.statusCode, 200)
  const second = res.json<Pair>()
  assert.deepEqual(Object.keys(second), ['token', 'refreshToken', 'expiresIn'])
  assert.equal(second.expiresIn, 900)
  assert.notEqual(second.refreshToken, first.refreshToken)
  assert.equal(claimsOf(second.token).sid, claimsOf(first.token).sid)
  assert.equal(Number(decodeJwt(second.token).exp), (clock.now() + 900_000) / 1000)

  // The first access token outlives the refresh until its own expiry; then only the new one works.
  clock.advance(300_000)
  assert.deepEqual((await secret(app, first.token)).json(), EXPIRED)
  assert.equal((await secret(app, second.token)).statusCode, 200)

  const third = await refresh(app, { refreshToken: second.refreshToken })
  assert.equal(third.statusCode, 200)
})

void test('a reused refresh token revokes the whole session, everywhere', async (t) => {
  const { app, calls } = appWith(t)
  const first = await loginPair(app)
  const other = await loginPair(app)
  const second = (await refresh(app, { refreshToken: first.refreshToken })).json<Pair>()

  const reuse = await refresh(app, { refreshToken: first.refreshToken })
  assert.equal(reuse.statusCode, 401)
  assert.deepEqual(reuse.json(), REUSED)

  for (const token of [first.token, second.token]) {
    const res = await secret(app, token)
    assert.equal(res.statusCode, 401)
    assert.deepEqual(res.json(), REVOKED)
  }
  const latest = await refresh(app, { refreshToken: second.refreshToken })
  assert.equal(latest.statusCode, 401)
  assert.deepEqual(latest.json(), REVOKED)
  // Another session of the same user is untouched.
  assert.equal((await secret(app, other.token)).statusCode, 200)
  assert.equal(calls.secret, 1)
})

void test('refresh tokens that were never issued: 401, and the session lives on', async (t) => {
  const { app } = appWith(t)
  const pair = await loginPair(app)
  const [sid] = pair.refreshToken.split('.')
  const cases = [
    'not-a-refresh-token',
    `${sid}.${'A'.repeat(43)}`,
    `00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`,
    pair.refreshToken.slice(0, -1),
    pair.token,
  ]
  for (const refreshToken of cases) {
    const res = await refresh(app, { refreshToken })
    assert.equal(res.statusCode, 401, refreshToken)
    assert.deepEqual(res.json(), REFRESH_INVALID, refreshToken)
  }
  assert.equal((await secret(app, pair.token)).statusCode, 200)
  assert.equal((await refresh(app, { refreshToken: pair.refreshToken })).statusCode, 200)
})

void test('a malformed refresh body is a 400 that says what is wrong', async (t) => {
  const { app } = appWith(t)
  const cases: [unknown, string][] = [
    [[], 'send the JSON object { "refreshToken": "..." }'],
    ['token', 'send the JSON object { "refreshToken": "..." }'],
    [null, 'send the JSON object { "refreshToken": "..." }'],
    [{}, '"refreshToken" must be a non-empty string'],
    [{ refreshToken: 42 }, '"refreshToken" must be a non-empty string'],
    [{ refreshToken: '' }, '"refreshToken" must be a non-empty string'],
    [{ refreshToken: 'x', extra: 1 }, 'unknown field "extra"'],
  ]
  for (const [payload, why] of cases) {
    const res = await refresh(app, payload)
    assert.equal(res.statusCode, 400, JSON.stringify(payload))
    assert.deepEqual(res.json(), body(`Malformed body for POST /api/auth/refresh-token: ${why}`))
  }
  const bad = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh-token',
    headers: { 'content-type': 'application/json' },
    payload: '{"refreshToken":',
  })
  assert.equal(bad.statusCode, 400)
})

void test('a session ends after sessionTtlSeconds: refresh refused, tokens never outlive it', async (t) => {
  const { app, clock } = appWith(t, { tokenTtlSeconds: 600, sessionTtlSeconds: 1000 })
  const first = await loginPair(app)
  clock.advance(700_000)
  const res = await refresh(app, { refreshToken: first.refreshToken })
  const second = res.json<Pair>()
  // 300 s are left of the session: the new token is cut to that.
  assert.equal(second.expiresIn, 300)
  clock.advance(299_999)
  assert.equal((await secret(app, second.token)).statusCode, 200)
  clock.advance(1)
  assert.deepEqual((await secret(app, second.token)).json(), EXPIRED)
  const late = await refresh(app, { refreshToken: second.refreshToken })
  assert.equal(late.statusCode, 401)
  assert.deepEqual(late.json(), SESSION_EXPIRED)
})

void test('revoke-session: the token is refused at once, even though it was cached', async (t) => {
  const { app, calls } = appWith(t)
  const pair = await loginPair(app)
  const other = await loginPair(app)
  assert.equal((await secret(app, pair.token)).statusCode, 200)

  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/revoke-session',
    headers: bearer(pair.token),
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { success: true })
  assert.equal(
    res.headers['set-cookie'],
    'dara_session_token=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax',
  )

  for (const [method, url] of [
    ['GET', '/api/secret'],
    ['GET', '/api/auth/user'],
    ['POST', '/api/auth/verify-session'],
    ['POST', '/api/auth/revoke-session'],
  ] as const) {
    const refused = await app.inject({ method, url, headers: bearer(pair.token) })
    assert.equal(refused.statusCode, 401, url)
    assert.deepEqual(refused.json(), REVOKED, url)
    assert.equal(refused.headers['www-authenticate'], 'Bearer realm="dara", error="invalid_token"')
  }
  const again = await refresh(app, { refreshToken: pair.refreshToken })
  assert.deepEqual(again.json(), REVOKED)
  assert.equal((await secret(app, other.token)).statusCode, 200)
  assert.equal(calls.secret, 2)
})

void test('app.sessions.mint: a token for any user, revocable by its session id', async (t) => {
  const { app, clock } = appWith(t)
  const minted = await app.sessions.mint(
    { identityId: 'robot', identityName: 'Nightly job', groups: ['jobs'] },
    { ttlSeconds: 3600 },
  )
  assert.equal(minted.expiresAt.getTime(), clock.now() + 3_600_000)
  const res = await app.inject({
    method: 'GET',
    url: '/api/auth/user',
    headers: bearer(minted.token),
  })
  assert.deepEqual(res.json(), {
    identityId: 'robot',
    identityName: 'Nightly job',
    groups: ['jobs'],
  })
  assert.equal(claimsOf(minted.token).sid, minted.sessionId)

  await app.sessions.revoke(minted.sessionId)
  assert.deepEqual((await secret(app, minted.token)).json(), REVOKED)
  await assert.rejects(
    app.sessions.mint({ identityId: 'x', identityName: 'x', groups: [] }, { ttlSeconds: 0 }),
    RangeError,
  )
})

void test('two apps sharing one store: a session of one works on the other until revoked', async (t) => {
  const store = new MemorySessionStore()
  const make = () => {
    const config = new ConfigurationBuilder()
    config.setSessionStore(store)
    config.addEndpoint(get('/secret', () => USER.get()?.identityId))
    return buildApp(t, config)
  }
  const [a, b] = [make(), make()]
  const res = await a.inject({ method: 'POST', url: '/api/auth/session' })
  const { token } = res.json<Pair>()
  const cookie = String(res.headers['set-cookie']).split(';')[0] ?? ''
  assert.equal((await secret(b, token)).statusCode, 200)
  const byCookie = await b.inject({ method: 'GET', url: '/api/secret', headers: { cookie } })
  assert.equal(byCookie.json(), 'user')

  await a.inject({ method: 'POST', url: '/api/auth/revoke-session', headers: bearer(token) })
  assert.deepEqual((await secret(b, token)).json(), REVOKED)
  const after = await b.inject({ method: 'GET', url: '/api/secret', headers: { cookie } })
  assert.deepEqual(after.json(), REVOKED)
})
