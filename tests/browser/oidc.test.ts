// Single sign-on in chromium against a real OpenID Connect provider on
// loopback: the app sends the browser to the provider, the user logs in there
// and comes back to the page they asked for, logged in; a group-gated route
// answers by the user's groups; logging out ends the session here and at the
// provider, and the next visit goes back to the provider's login.
import assert from 'node:assert/strict'
import { describe, test, type TestContext } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { OIDCAuthConfig, USER } from 'dara-ts/auth'
import { Heading, Stack, Text } from 'dara-ts/components'
import { get } from 'dara-ts/http'
import { SECRET } from '../helpers/app.ts'
import { CLIENT_ID, CLIENT_SECRET, startProvider } from '../helpers/oidc-provider.ts'
import { needs } from '../helpers/system.ts'
import { launch } from './chromium.ts'

async function ssoApp(t: TestContext, issuer: string, sessionTtlSeconds?: number): Promise<string> {
  const config = new ConfigurationBuilder()
  config.addAuth(
    new OIDCAuthConfig({
      issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      ...(sessionTtlSeconds === undefined
        ? {}
        : { sessionTtlSeconds, tokenTtlSeconds: sessionTtlSeconds }),
    }),
  )
  config.addPage(
    'Home',
    new Stack([
      new Heading('Team'),
      new Text(
        () => `Hello ${USER.get()?.identityName ?? '?'} in ${USER.get()?.groups.join(', ')}`,
      ),
    ]),
  )
  config.addPage('Reports', new Text(() => `Reports for ${USER.get()?.identityName ?? '?'}`))
  config.addEndpoint(get('/admin', { groups: ['admins'] }, () => 'secret plans'))
  const app = createApp(config, { logger: false, secret: SECRET })
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(address && typeof address === 'object')
  return `http://127.0.0.1:${address.port}`
}

/** Opens `url` in a fresh context and logs in at the provider as `user`. */
async function signIn(browser: Browser, url: string, user: string, issuer: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  await page.goto(url)
  await page.getByLabel('Provider user').waitFor()
  assert.equal(new URL(page.url()).origin, issuer)
  await page.getByLabel('Provider user').fill(user)
  await page.getByRole('button', { name: 'Sign in' }).click()
  return page
}

async function status(page: Page, path: string): Promise<number> {
  return page.evaluate(async (p) => (await fetch(p)).status, path)
}

void describe('single sign-on in chromium', { skip: needs('chromium') }, () => {
  void test(
    'login at the provider, back on the app, groups, logout',
    { timeout: 60_000 },
    async (t) => {
      const provider = await startProvider(t)
      const baseUrl = await ssoApp(t, provider.issuer)
      const browser = await launch(t)

      const page = await signIn(browser, `${baseUrl}/reports`, 'ada', provider.issuer)
      await page.getByText('Reports for ada').waitFor()
      assert.equal(page.url(), `${baseUrl}/reports`)
      // Cookies do not tell ports apart: the provider's, on the same host, are left out.
      const cookies = (await page.context().cookies(baseUrl)).filter((c) =>
        c.name.startsWith('dara_'),
      )
      assert.deepEqual(cookies.map((c) => [c.name, c.httpOnly]).sort(), [
        ['dara_oidc_tokens', true],
        ['dara_session_token', true],
      ])
      await page.goto(`${baseUrl}/login`)
      await page.getByText('Hello ada in analysts, admins').waitFor()
      assert.equal(await status(page, '/api/admin'), 200)
      await page.reload()
      await page.getByText('Hello ada in analysts, admins').waitFor()

      const grace = await signIn(browser, `${baseUrl}/`, 'grace', provider.issuer)
      await grace.getByText('Hello grace in analysts').waitFor()
      assert.equal(await status(grace, '/api/admin'), 403)

      // Logout: here, then at the provider, which asks to confirm and sends the browser back.
      await page.getByRole('button', { name: 'Log out' }).click()
      await page.waitForURL((url) => url.origin === provider.issuer)
      // The session is over here already, before the provider is asked.
      const user = await page.context().request.get(`${baseUrl}/api/auth/user`)
      assert.equal(user.status(), 401)
      await page.getByRole('button', { name: /yes|sign.?out/i }).click()
      // Back on the app, logged out: it sends the browser to the provider's login again.
      await page.getByLabel('Provider user').waitFor()
      const after = await page.context().cookies(baseUrl)
      assert.deepEqual(
        after.map((c) => c.name).filter((name) => name.startsWith('dara_')),
        // Only the login now in progress: no session.
        ['dara_oidc_login_session'],
      )
    },
  )

  void test(
    'the session is renewed through the provider before it ends: no 401, no trip to the provider',
    { timeout: 60_000 },
    async (t) => {
      const provider = await startProvider(t)
      // An 8 s session: the UI renews it halfway, at about 4 s.
      const baseUrl = await ssoApp(t, provider.issuer, 8)
      const browser = await launch(t)
      const page = await signIn(browser, `${baseUrl}/`, 'ada', provider.issuer)
      await page.getByText('Hello ada in analysts, admins').waitFor()
      const answers: number[] = []
      page.on('response', (response) => {
        if (new URL(response.url()).origin === baseUrl) answers.push(response.status())
      })
      const session = async (): Promise<string | undefined> =>
        (await page.context().cookies(baseUrl)).find((c) => c.name === 'dara_session_token')?.value
      const first = await session()
      assert.ok(first)
      // Past the first session's end: a new one has replaced it, from the page alone.
      await page.waitForTimeout(10_000)
      const second = await session()
      assert.ok(second)
      assert.notEqual(second, first)
      assert.equal(new URL(page.url()).origin, baseUrl)
      assert.equal(await status(page, '/api/auth/user'), 200)
      assert.deepEqual(
        answers.filter((code) => code >= 400),
        [],
      )
    },
  )
})
