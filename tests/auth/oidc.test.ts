// Single sign-on against a real OpenID Connect provider (oidc-provider on
// loopback), over real sockets: the login, its session and cookie, groups,
// refresh, logout, ID tokens as Bearers, and each way a login fails.
import assert from 'node:assert/strict'
import { describe, test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { OIDCAuthConfig, USER } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'
import { Jar, loginAtProvider, startLogin, step } from '../helpers/oidc-flow.ts'
import { CLIENT_ID, CLIENT_SECRET, startProvider } from '../helpers/oidc-provider.ts'

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

void describe('OIDC login', () => {
  void test('login, session cookie, groups, user', async (t) => {
    const provider = await startProvider(t)
    const { baseUrl } = await oidcApp(t, provider.issuer)
    const jar = new Jar()
    const authorize = await startLogin(baseUrl, jar, '/reports?x=1')
    assert.equal(authorize.origin, provider.issuer)
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
    const back = await loginAtProvider(authorize, 'ada')
    const res = await step(back.href, jar)
    assert.equal(res.status, 302, await res.text())
    assert.equal(res.headers.get('location'), '/reports?x=1')
    assert.deepEqual([...jar.cookies.keys()].sort(), ['dara_oidc_tokens', 'dara_session_token'])
    const me = await step(`${baseUrl}/api/me`, jar)
    assert.deepEqual(await me.json(), {
      identityId: 'ada',
      identityName: 'ada',
      groups: ['analysts', 'admins'],
      identityEmail: 'ada@example.com',
    })
  })
})
