// Single sign-on against a real OpenID Connect provider (oidc-provider on
// loopback), over real sockets: the login, its session and cookie, groups,
// refresh, logout, ID tokens as Bearers, and each way a login fails, none of
// which leaves a session or a cookie behind.
import assert from 'node:assert/strict'
import { describe, test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { OIDCAuthConfig, USER } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'
import { idTokenFor, Jar, loginAtProvider, startLogin, step } from '../helpers/oidc-flow.ts'
import { CLIENT_ID, CLIENT_SECRET, startProvider } from '../helpers/oidc-provider.ts'
import { startDara } from '../helpers/processes.ts'

const CLIENT = { id: CLIENT_ID, secret: CLIENT_SECRET }

async function oidcApp(
  t: TestContext,
  issuer: string,
  options: { acceptIdTokens?: boolean; clockOffsetMs?: number } = {},
) {
  const config = new ConfigurationBuilder()
  config.addAuth(
    new OIDCAuthConfig({
      issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      acceptIdTokens: options.acceptIdTokens ?? false,
    }),
  )
  config.addEndpoint(get('/me', () => USER.get()))
  config.addEndpoint(get('/admin', { groups: ['admins'] }, () => 'secret plans'))
  const offset = options.clockOffsetMs ?? 0
  const app = createApp(config, {
    logger: false,
    secret: SECRET,
    clock: () => Date.now() + offset,
  })
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(address && typeof address === 'object')
  return { app, baseUrl: `http://127.0.0.1:${address.port}` }
}

/** Logs `user` in through the provider; the jar then holds the app's cookies. */
async function logIn(baseUrl: string, user: string): Promise<Jar> {
  const jar = new Jar()
  const back = await loginAtProvider(await startLogin(baseUrl, jar), user)
  const res = await step(back.href, jar)
  assert.equal(res.status, 302, await res.text())
  return jar
}

/** Asserts a coded refusal and returns its detail. */
async function refused(res: Response, status: number, code: string): Promise<string> {
  const body = (await res.json()) as { detail?: unknown; code?: unknown }
  assert.equal(res.status, status, JSON.stringify(body))
  assert.equal(body.code, code, JSON.stringify(body))
  assert.deepEqual(Object.keys(body).sort(), ['code', 'detail'])
  assert.equal(typeof body.detail, 'string')
  return String(body.detail)
}

/** What a failed callback must leave: the login cookie deleted, no session cookie set. */
function nothingLeft(res: Response): void {
  const cookies = res.headers.getSetCookie()
  assert.deepEqual(
    cookies.map((c) => c.split('=')[0]),
    ['dara_oidc_login_session'],
    cookies.join('\n'),
  )
  assert.match(cookies[0] ?? '', /^dara_oidc_login_session=; Max-Age=0;/)
}

void describe('OIDC login through a real provider', () => {
  void test('login: the session cookie, the user from the ID token, then the app', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = new Jar()
    const authorize = await startLogin(baseUrl, jar, '/reports?x=1')
    assert.equal(authorize.origin, provider.issuer)
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
    assert.equal(authorize.searchParams.get('client_id'), CLIENT_ID)
    assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'))
    assert.deepEqual([...jar.cookies.keys()], ['dara_oidc_login_session'])
    const back = await loginAtProvider(authorize, 'ada')
    assert.equal(back.origin, baseUrl)
    const res = await step(back.href, jar)
    assert.equal(res.status, 302, await res.text())
    assert.equal(res.headers.get('location'), '/reports?x=1')
    const cookies = res.headers.getSetCookie()
    assert.ok(
      cookies.some((c) =>
        /^dara_session_token=[\w-]{43}; Max-Age=3600; Expires=[^;]+ GMT; Path=\/; HttpOnly; SameSite=Lax$/.test(
          c,
        ),
      ),
      cookies.join('\n'),
    )
    assert.deepEqual([...jar.cookies.keys()].sort(), ['dara_oidc_tokens', 'dara_session_token'])
    const me = await step(`${baseUrl}/api/me`, jar)
    assert.deepEqual(await me.json(), {
      identityId: 'ada',
      identityName: 'ada',
      groups: ['analysts', 'admins'],
      identityEmail: 'ada@example.com',
    })
  })

  void test('groups from the ID token claim gate routes: a member passes, others get 403', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const ada = await logIn(baseUrl, 'ada')
    const ok = await step(`${baseUrl}/api/admin`, ada)
    assert.equal(ok.status, 200)
    assert.equal(await ok.json(), 'secret plans')
    const grace = await logIn(baseUrl, 'grace')
    const detail = await refused(
      await step(`${baseUrl}/api/admin`, grace),
      403,
      'DARA_ERR_AUTH_FORBIDDEN',
    )
    assert.equal(detail, 'Forbidden: GET /api/admin is for members of "admins"')
  })

  void test('refresh through the provider: a new session, the old one refused', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = await logIn(baseUrl, 'ada')
    const before = new Jar()
    for (const [k, v] of jar.cookies) before.cookies.set(k, v)
    const res = await step(`${baseUrl}/api/auth/oidc/refresh`, jar, {
      method: 'POST',
      headers: { origin: baseUrl },
    })
    const body = (await res.json()) as Record<string, unknown>
    assert.equal(res.status, 200, JSON.stringify(body))
    assert.deepEqual(Object.keys(body).sort(), ['expiresIn', 'refreshToken', 'token'])
    assert.notEqual(jar.cookies.get('dara_session_token'), before.cookies.get('dara_session_token'))
    assert.equal((await step(`${baseUrl}/api/me`, jar)).status, 200)
    await refused(await step(`${baseUrl}/api/me`, before), 401, 'DARA_ERR_AUTH_REVOKED')

    // A provider that no longer knows the refresh token (restarted: its grants are gone)
    // refuses it: the session ends, its cookies are deleted.
    const kept = jar.header()
    await provider.stop()
    await startProvider(t, { port: provider.port })
    const gone = await step(`${baseUrl}/api/auth/oidc/refresh`, jar, {
      method: 'POST',
      headers: { origin: baseUrl },
    })
    await refused(gone, 401, 'DARA_ERR_OIDC_REFRESH_FAILED')
    assert.deepEqual(
      gone.headers.getSetCookie().map((c) => c.split(';')[0]),
      ['dara_session_token=', 'dara_oidc_tokens='],
    )
    const after = await fetch(`${baseUrl}/api/me`, { headers: { cookie: kept } })
    await refused(after, 401, 'DARA_ERR_AUTH_REVOKED')
  })

  void test('logout ends the session here and answers the provider end-session URL', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = await logIn(baseUrl, 'ada')
    const kept = jar.header()
    const res = await step(`${baseUrl}/api/auth/oidc/logout`, jar, {
      method: 'POST',
      headers: { origin: baseUrl },
    })
    const body = (await res.json()) as { success: boolean; redirectUri: string }
    assert.equal(res.status, 200)
    assert.equal(body.success, true)
    const end = new URL(body.redirectUri)
    assert.equal(`${end.origin}${end.pathname}`, `${provider.issuer}/session/end`)
    assert.equal(end.searchParams.get('post_logout_redirect_uri'), `${baseUrl}/`)
    assert.ok(end.searchParams.get('id_token_hint'))
    assert.deepEqual([...jar.cookies.keys()], [])
    // The old cookies, kept by someone, no longer work: the session is revoked.
    const again = await fetch(`${baseUrl}/api/me`, { headers: { cookie: kept } })
    await refused(again, 401, 'DARA_ERR_AUTH_REVOKED')
    const refresh = await fetch(`${baseUrl}/api/auth/oidc/refresh`, {
      method: 'POST',
      headers: { cookie: kept, origin: baseUrl },
    })
    await refused(refresh, 401, 'DARA_ERR_OIDC_REFRESH_FAILED')
    // The provider's own logout page answers the URL.
    const page = await fetch(end, { redirect: 'manual' })
    assert.equal(page.status, 200)
  })

  void test('a password login is refused with the way to log in', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const res = await fetch(`${baseUrl}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada', password: 'x' }),
    })
    await refused(res, 400, 'DARA_ERR_OIDC_LOGIN_REDIRECT')
    assert.deepEqual(res.headers.getSetCookie(), [])
  })

  void test('redirect_to must be a path of the app', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    for (const target of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await step(
        `${baseUrl}/api/auth/oidc/login?redirect_to=${encodeURIComponent(target)}`,
        new Jar(),
      )
      await refused(res, 400, 'DARA_ERR_OIDC_REDIRECT_INVALID')
      assert.deepEqual(res.headers.getSetCookie(), [])
    }
  })
})

void describe('OIDC login failures leave nothing logged in', () => {
  void test('wrong state', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = new Jar()
    const back = await loginAtProvider(await startLogin(baseUrl, jar), 'ada')
    back.searchParams.set('state', 'forged')
    const res = await step(back.href, jar)
    const detail = await refused(res, 401, 'DARA_ERR_OIDC_STATE')
    assert.equal(
      detail,
      'Login through the identity provider refused: the state differs from the login in progress. Start again from GET /api/auth/oidc/login',
    )
    nothingLeft(res)
    // Without the login cookie (another browser): refused the same way.
    const other = await step(back.href, new Jar())
    await refused(other, 401, 'DARA_ERR_OIDC_STATE')
    await refused(await step(`${baseUrl}/api/me`, jar), 401, 'DARA_ERR_AUTH_NO_CREDENTIALS')
  })

  void test('replayed code', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = new Jar()
    const back = await loginAtProvider(await startLogin(baseUrl, jar), 'ada')
    const loginCookie = jar.header()
    assert.equal((await step(back.href, jar)).status, 302)
    // The same callback again, with the login cookie an attacker kept.
    const res = await fetch(back, { redirect: 'manual', headers: { cookie: loginCookie } })
    await refused(res, 401, 'DARA_ERR_OIDC_CODE_REJECTED')
    nothingLeft(res)
  })

  void test('bad nonce', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = new Jar()
    const authorize = await startLogin(baseUrl, jar)
    // The provider is asked for a token of another nonce, the state kept.
    authorize.searchParams.set('nonce', 'someone-elses-nonce')
    const res = await step((await loginAtProvider(authorize, 'ada')).href, jar)
    await refused(res, 401, 'DARA_ERR_OIDC_NONCE')
    nothingLeft(res)
  })

  void test('expired ID token at the callback', async (t) => {
    const provider = await startProvider(t)
    provider.idTokenSeconds = 60
    // The app's clock runs ten minutes ahead of the provider's.
    const { baseUrl } = await oidcApp(t, provider.issuer, { clockOffsetMs: 600_000 })
    const jar = new Jar()
    const res = await step((await loginAtProvider(await startLogin(baseUrl, jar), 'ada')).href, jar)
    await refused(res, 401, 'DARA_ERR_OIDC_TOKEN_EXPIRED')
    nothingLeft(res)
  })

  void test('unknown issuer in the callback', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = new Jar()
    const back = await loginAtProvider(await startLogin(baseUrl, jar), 'ada')
    back.searchParams.set('iss', 'http://127.0.0.1:9/evil')
    const res = await step(back.href, jar)
    await refused(res, 401, 'DARA_ERR_OIDC_ISSUER')
    nothingLeft(res)
  })

  void test('provider down: logins answer 503, and work again once it is back', async (t) => {
    const first = await startProvider(t)
    await first.stop()
    // Started while the provider is down: the app starts anyway.
    const { baseUrl } = await oidcApp(t, first.issuer)
    const res = await step(`${baseUrl}/api/auth/oidc/login`, new Jar())
    const detail = await refused(res, 503, 'DARA_ERR_OIDC_PROVIDER_DOWN')
    assert.match(detail, /^The identity provider http:\/\/127\.0\.0\.1:\d+ cannot be reached \(/)
    assert.deepEqual(res.headers.getSetCookie(), [])
    const back = await startProvider(t, { port: first.port })
    const jar = new Jar()
    const callback = await loginAtProvider(await startLogin(baseUrl, jar), 'ada')
    // Down again between the provider's login and the code exchange.
    await back.stop()
    const late = await step(callback.href, jar)
    await refused(late, 503, 'DARA_ERR_OIDC_PROVIDER_DOWN')
    nothingLeft(late)
  })
})

void describe('ID tokens as Bearers for scripts', () => {
  void test('accepted when allowed: checked against the provider keys, audience and expiry', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer, { acceptIdTokens: true })
    const idToken = await idTokenFor(provider.issuer, CLIENT, 'grace')
    const me = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${idToken}` } })
    assert.equal(me.status, 200)
    assert.deepEqual(await me.json(), {
      identityId: 'grace',
      identityName: 'grace',
      groups: ['analysts'],
      identityEmail: 'grace@example.com',
    })
    const admin = await fetch(`${baseUrl}/api/admin`, {
      headers: { authorization: `Bearer ${idToken}` },
    })
    await refused(admin, 403, 'DARA_ERR_AUTH_FORBIDDEN')
    // A changed payload no longer matches the provider's signature.
    const [h, p, s] = idToken.split('.')
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, groups: ['admins'] })).toString('base64url')}.${s}`
    const bad = await fetch(`${baseUrl}/api/admin`, {
      headers: { authorization: `Bearer ${forged}` },
    })
    await refused(bad, 401, 'DARA_ERR_OIDC_TOKEN_INVALID')
  })

  void test('an ID token of another issuer, or expired, is refused', async (t) => {
    const provider = await startProvider(t)
    const other = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer, { acceptIdTokens: true })
    const foreign = await idTokenFor(other.issuer, CLIENT, 'ada')
    const res = await fetch(`${baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${foreign}` },
    })
    const detail = await refused(res, 401, 'DARA_ERR_OIDC_ISSUER')
    assert.equal(
      detail,
      `The ID token or answer comes from issuer ${other.issuer}; this app trusts only issuer ${provider.issuer}`,
    )
    provider.idTokenSeconds = 60
    const late = await oidcApp(t, provider.issuer, { acceptIdTokens: true, clockOffsetMs: 600_000 })
    const short = await idTokenFor(provider.issuer, CLIENT, 'ada')
    const expired = await fetch(`${late.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${short}` },
    })
    await refused(expired, 401, 'DARA_ERR_OIDC_TOKEN_EXPIRED')
  })

  void test('refused when not allowed', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const idToken = await idTokenFor(provider.issuer, CLIENT, 'ada')
    const res = await fetch(`${baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${idToken}` },
    })
    await refused(res, 401, 'DARA_ERR_AUTH_INVALID')
  })
})

void test('examples/oidc runs with dara start against the local provider', async (t) => {
  const provider = await startProvider(t)
  const { url } = await startDara(t, 'examples/oidc/main.ts', {
    DARA_JWT_SECRET: SECRET,
    DARA_REDIS_URL: '',
    OIDC_ISSUER: provider.issuer,
  })
  const jar = await logIn(url, 'ada')
  const report = await step(`${url}/api/admin/report`, jar)
  assert.equal(report.status, 200)
  assert.equal(await report.json(), 'Report for ada')
  const idToken = await idTokenFor(provider.issuer, CLIENT, 'grace')
  const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${idToken}` } })
  assert.deepEqual(await me.json(), {
    identityId: 'grace',
    identityName: 'grace',
    groups: ['analysts'],
    identityEmail: 'grace@example.com',
  })
})

void test('OIDCAuthConfig refuses a configuration it cannot use, at start', () => {
  const base = { issuer: 'https://login.example.com', clientId: 'app', clientSecret: 's' }
  const cases: [Record<string, unknown>, string][] = [
    [
      { issuer: 'http://login.example.com' },
      'issuer must be an https URL (plain http only on a loopback address, for tests)',
    ],
    [{ issuer: 'not a url' }, 'issuer must be a URL, got "not a url"'],
    [{ clientId: '' }, 'clientId is empty'],
    [{ clientSecret: undefined }, 'clientSecret is empty'],
    [{ scopes: ['openid email'] }, 'scopes must be a list of scope names without spaces'],
    [
      { redirectPath: '//evil.example/cb' },
      'redirectPath must be a path starting with one "/", got "//evil.example/cb"',
    ],
  ]
  for (const [change, why] of cases) {
    assert.throws(
      // Deliberately wrong options, as plain JavaScript could pass them.
      () => new OIDCAuthConfig({ ...base, ...change }),
      {
        code: 'DARA_ERR_AUTH_CONFIG_INVALID',
        message: `DARA_ERR_AUTH_CONFIG_INVALID: Invalid OIDCAuthConfig: ${why}`,
      },
    )
  }
  assert.deepEqual(new OIDCAuthConfig({ ...base, scopes: ['email'] }).scopes, ['openid', 'email'])
})
