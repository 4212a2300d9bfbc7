// The browser's side: the session cookie holds an opaque handle (never the
// token), is HttpOnly and SameSite=Lax (Secure over https), authenticates
// requests, is refused once revoked or expired, and state-changing requests it
// alone authenticates must come from this site.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, type AppOptions, type DaraApp } from 'dara-ts'
import { DefaultAuthConfig, USER } from 'dara-ts/auth'
import { get, post } from 'dara-ts/http'
import { SECRET, bearer, buildApp, manualClock } from '../helpers/auth.ts'

const CLEARED =
  'dara_session_token=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax'
const csrf = (why: string) => ({
  detail: `Cross-site request refused: ${why}. A request that changes state and is authenticated by the session cookie alone must come from this site; programs send "Authorization: Bearer <token>" instead`,
  code: 'DARA_ERR_AUTH_CSRF',
})
const REVOKED = {
  detail: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_REVOKED',
}
const UNKNOWN = {
  detail:
    'Unknown session: the session cookie matches no session of this app; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_SESSION_UNKNOWN',
}

function cookieApp(t: TestContext, options: AppOptions = {}) {
  const clock = manualClock()
  const calls = { write: 0 }
  const config = new ConfigurationBuilder()
  config.addAuth(new DefaultAuthConfig({ sessionTtlSeconds: 3600 }))
  config.addEndpoint(get('/me', () => USER.get()?.identityId))
  config.addEndpoint(
    post('/write', () => {
      calls.write++
      return 'written'
    }),
  )
  const app = buildApp(t, config, SECRET, { clock: clock.now, ...options })
  return { app, clock, calls }
}

/** Logs in; answers the token and the cookie header a browser would send back. */
async function browserLogin(app: DaraApp, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/session', headers })
  assert.equal(res.statusCode, 200)
  const setCookie = String(res.headers['set-cookie'])
  const handle = /^dara_session_token=([^;]+);/.exec(setCookie)?.[1] ?? ''
  return {
    token: res.json<{ token: string }>().token,
    setCookie,
    cookie: `dara_session_token=${handle}`,
    handle,
  }
}

void test('login sets an HttpOnly, SameSite=Lax cookie holding an opaque handle, not the token', async (t) => {
  const { app } = cookieApp(t)
  const { token, setCookie, handle } = await browserLogin(app)
  assert.match(handle, /^[\w-]{43}$/)
  assert.equal(
    setCookie,
    `dara_session_token=${handle}; Max-Age=3600; Expires=Tue, 01 Jan 2030 01:00:00 GMT; Path=/; HttpOnly; SameSite=Lax`,
  )
  assert.ok(!token.includes(handle) && !handle.includes(token.split('.')[2] ?? ''))
})

void test('Secure is added over https, as a trusted proxy reports it', async (t) => {
  const { app } = cookieApp(t, { trustProxy: true })
  const { setCookie } = await browserLogin(app, { 'x-forwarded-proto': 'https' })
  assert.match(setCookie, /; HttpOnly; SameSite=Lax; Secure$/)
  const untrusted = cookieApp(t)
  const plain = await browserLogin(untrusted.app, { 'x-forwarded-proto': 'https' })
  assert.doesNotMatch(plain.setCookie, /Secure/)
})

void test('the cookie authenticates GET requests, with no CSRF check', async (t) => {
  const { app } = cookieApp(t)
  const { cookie } = await browserLogin(app)
  const res = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json(), 'user')
  const user = await app.inject({
    method: 'GET',
    url: '/api/auth/user',
    headers: { cookie: `a=b; ${cookie}; c=d` },
  })
  assert.deepEqual(user.json(), { identityId: 'user', identityName: 'user', groups: [] })
})

void test('a cookie-only POST must come from this site: Origin, else Referer', async (t) => {
  const { app, calls } = cookieApp(t, { trustedOrigins: ['https://ui.example'] })
  const { cookie, token } = await browserLogin(app)
  const write = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/api/write', headers: { cookie, ...headers } })

  const refused: [Record<string, string>, string][] = [
    [{}, 'it has neither an Origin nor a Referer header'],
    [{ origin: 'https://evil.example' }, 'its Origin "https://evil.example" is not this site'],
    [{ origin: 'null' }, 'its Origin "null" is not this site'],
    [{ origin: 'http://localhost:81' }, 'its Origin "http://localhost:81" is not this site'],
    [
      { origin: 'https://evil.example', referer: 'http://localhost:80/page' },
      'its Origin "https://evil.example" is not this site',
    ],
    [
      { referer: 'https://evil.example/x' },
      'its Referer "https://evil.example/x" is not this site',
    ],
  ]
  for (const [headers, why] of refused) {
    const res = await write(headers)
    assert.equal(res.statusCode, 403, JSON.stringify(headers))
    assert.deepEqual(res.json(), csrf(why))
  }
  assert.equal(calls.write, 0)

  const accepted: Record<string, string>[] = [
    { origin: 'http://localhost:80' },
    { referer: 'http://localhost:80/some/page' },
    { origin: 'https://ui.example' },
  ]
  for (const headers of accepted) {
    const res = await write(headers)
    assert.equal(res.statusCode, 200, JSON.stringify(headers))
  }
  // A Bearer request needs no check, even with the cookie beside it.
  const withBearer = await app.inject({
    method: 'POST',
    url: '/api/write',
    headers: { cookie, ...bearer(token), origin: 'https://evil.example' },
  })
  assert.equal(withBearer.statusCode, 200)
  assert.equal(calls.write, 4)
})

void test("logout by cookie: the cookie and the same session's Bearer token stop at once", async (t) => {
  const { app } = cookieApp(t)
  const { cookie, token } = await browserLogin(app)
  const origin = 'http://localhost:80'
  const noOrigin = await app.inject({
    method: 'POST',
    url: '/api/auth/revoke-session',
    headers: { cookie },
  })
  assert.equal(noOrigin.statusCode, 403)

  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/revoke-session',
    headers: { cookie, origin },
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { success: true })
  assert.equal(res.headers['set-cookie'], CLEARED)

  const byCookie = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
  assert.equal(byCookie.statusCode, 401)
  assert.deepEqual(byCookie.json(), REVOKED)
  const byToken = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })
  assert.deepEqual(byToken.json(), REVOKED)
})

void test('verify-session deletes a refused cookie; other routes leave it', async (t) => {
  const { app } = cookieApp(t)
  const cookie = `dara_session_token=${'A'.repeat(43)}`
  const verify = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-session',
    headers: { cookie, origin: 'http://localhost:80' },
  })
  assert.equal(verify.statusCode, 401)
  assert.deepEqual(verify.json(), UNKNOWN)
  assert.equal(verify.headers['set-cookie'], CLEARED)

  const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
  assert.equal(me.statusCode, 401)
  assert.deepEqual(me.json(), UNKNOWN)
  assert.equal(me.headers['set-cookie'], undefined)

  const good = await browserLogin(app)
  const ok = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-session',
    headers: { cookie: good.cookie, origin: 'http://localhost:80' },
  })
  assert.equal(ok.statusCode, 200)
  assert.equal(ok.headers['set-cookie'], undefined)
})

void test('revoke-session with a cookie the app does not know: 401, and the cookie is deleted', async (t) => {
  const { app } = cookieApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/revoke-session',
    headers: { cookie: `dara_session_token=${'A'.repeat(43)}`, origin: 'http://localhost:80' },
  })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), UNKNOWN)
  assert.equal(res.headers['set-cookie'], CLEARED)
  // Without a cookie there is nothing to delete.
  const bare = await app.inject({ method: 'POST', url: '/api/auth/revoke-session' })
  assert.equal(bare.statusCode, 401)
  assert.equal(bare.headers['set-cookie'], undefined)
})

void test('a token is never accepted as the cookie', async (t) => {
  const { app } = cookieApp(t)
  const { token } = await browserLogin(app)
  const res = await app.inject({
    method: 'GET',
    url: '/api/me',
    headers: { cookie: `dara_session_token=${token}` },
  })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), UNKNOWN)
})

void test('the cookie session ends with sessionTtlSeconds', async (t) => {
  const { app, clock } = cookieApp(t)
  const { cookie } = await browserLogin(app)
  clock.advance(3_599_999)
  assert.equal(
    (await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode,
    200,
  )
  clock.advance(1)
  const res = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), {
    detail: 'Session expired: log in again with POST /api/auth/session',
    code: 'DARA_ERR_AUTH_SESSION_EXPIRED',
  })
})

void test('a Bearer header wins over the cookie, even when it is wrong', async (t) => {
  const { app } = cookieApp(t)
  const { cookie } = await browserLogin(app)
  const res = await app.inject({
    method: 'GET',
    url: '/api/me',
    headers: { cookie, authorization: 'Bearer nope' },
  })
  assert.equal(res.statusCode, 401)
  assert.equal(res.json<{ code: string }>().code, 'DARA_ERR_AUTH_MALFORMED')
})

void test('a login from another site is refused; from this site or a program it passes', async (t) => {
  const { app } = cookieApp(t)
  const login = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/api/auth/session', headers })
  const foreign = await login({ origin: 'https://evil.example' })
  assert.equal(foreign.statusCode, 403)
  assert.deepEqual(foreign.json(), csrf('its Origin "https://evil.example" is not this site'))
  assert.equal(foreign.headers['set-cookie'], undefined)
  assert.equal((await login({ origin: 'http://localhost:80' })).statusCode, 200)
  assert.equal((await login({})).statusCode, 200)
})

void test('DARA_TRUST_PROXY=true does what trustProxy does, for apps that dara start runs', async (t) => {
  const before = process.env['DARA_TRUST_PROXY']
  process.env['DARA_TRUST_PROXY'] = 'true'
  t.after(() => {
    if (before === undefined) delete process.env['DARA_TRUST_PROXY']
    else process.env['DARA_TRUST_PROXY'] = before
  })
  const { app } = cookieApp(t)
  const { setCookie } = await browserLogin(app, { 'x-forwarded-proto': 'https' })
  assert.match(setCookie, /; Secure$/)
})
