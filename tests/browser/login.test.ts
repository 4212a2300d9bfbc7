// With basic auth, the UI shows its login form: a refused login shows the
// server's detail; an accepted one shows the page, whose props run as the
// user; the session cookie outlives a reload; logging out ends it.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { BasicAuthConfig, USER } from 'dara-ts/auth'
import { Heading, Stack, Text } from 'dara-ts/components'
import { SECRET } from '../helpers/app.ts'
import { needs } from '../helpers/system.ts'
import { launch } from './chromium.ts'

void describe('login page in chromium', { skip: needs('chromium') }, () => {
  void test('refused, accepted, reloaded, logged out', { timeout: 60_000 }, async (t) => {
    const config = new ConfigurationBuilder()
    config.addAuth(new BasicAuthConfig({ username: 'ada', password: 'open sesame' }))
    config.addPage(
      'Home',
      new Stack([new Heading('Team'), new Text(() => `Hello ${USER.get()?.identityName ?? '?'}`)]),
    )
    const app = createApp(config, { logger: false, secret: SECRET })
    t.after(() => app.close())
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    assert.ok(address && typeof address === 'object')

    const browser = await launch(t)
    const page = await browser.newPage()
    page.setDefaultTimeout(15_000)
    await page.goto(`http://127.0.0.1:${address.port}/home`)

    await page.getByLabel('User name').fill('ada')
    await page.getByLabel('Password').fill('wrong')
    await page.getByRole('button', { name: 'Log in' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    assert.equal(await alert.textContent(), 'Wrong username or password')

    await page.getByLabel('Password').fill('open sesame')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText('Hello ada').waitFor()
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Team')
    const cookies = await page.context().cookies()
    assert.deepEqual(
      cookies.map((c) => [c.name, c.httpOnly]),
      [['dara_session_token', true]],
    )

    await page.reload()
    await page.getByText('Hello ada').waitFor()

    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByLabel('User name').waitFor()
    await page.reload()
    await page.getByLabel('User name').waitFor()
  })
})
