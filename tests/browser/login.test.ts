// With an auth config that needs credentials, the UI shows its login form:
// a refused login shows the server's detail, an accepted one shows the page,
// whose props run as the logged-in user.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { AuthConfig, USER } from 'dara-ts/auth'
import { Heading, Stack, Text } from 'dara-ts/components'
import { HttpError } from 'dara-ts/http'
import { SECRET } from '../helpers/app.ts'
import { needs } from '../helpers/system.ts'
import { launch } from './chromium.ts'

const Credentials = z.object({ username: z.string(), password: z.string() })

class TeamAuth extends AuthConfig {
  authenticate(body: unknown) {
    const parsed = Credentials.safeParse(body)
    if (!parsed.success || parsed.data.password !== 'open sesame') {
      throw new HttpError(401, 'Wrong user name or password')
    }
    const name = parsed.data.username
    return { identityId: name, identityName: name, groups: [] }
  }
}

void describe('login page in chromium', { skip: needs('chromium') }, () => {
  void test(
    'refused, then accepted: the page shows as the user',
    { timeout: 60_000 },
    async (t) => {
      const config = new ConfigurationBuilder()
      config.addAuth(new TeamAuth())
      config.addPage(
        'Home',
        new Stack([
          new Heading('Team'),
          new Text(() => `Hello ${USER.get()?.identityName ?? '?'}`),
        ]),
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
      assert.equal(await alert.textContent(), 'Wrong user name or password')

      await page.getByLabel('Password').fill('open sesame')
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.getByText('Hello ada').waitFor()
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Team')
    },
  )
})
