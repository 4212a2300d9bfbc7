// examples/components in a real browser, started by the real `dara start`:
// the app's own component (RowList, its React side built at start) draws the
// rows it fetches from its own endpoint and pages through them; the tab and
// header carry config.setTitle(); the favicon answers 200; and the first load
// makes its session before asking for anything, so nothing answers 401: not in
// the browser, not in the server's request log.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { startDara } from '../helpers/dara-process.ts'
import { needs } from '../helpers/system.ts'
import { launch } from './chromium.ts'

async function cells(page: Page): Promise<string[]> {
  return page.locator('tbody tr td:first-child').allTextContents()
}

void describe('an app component in chromium', { skip: needs('chromium') }, () => {
  void test(
    'draws rows from its own endpoint and pages; title, favicon, no 401',
    { timeout: 120_000 },
    async (t) => {
      const app = await startDara(t, 'examples/components/main.ts', {
        DARA_LOG_LEVEL: 'info',
        DARA_COMPONENTS_DIR: join(mkdtempSync(join(tmpdir(), 'dara-example-')), 'ui'),
      })
      // The route table lists the UI's page beside the endpoints.
      assert.match(app.output.stdout, /^ {2}GET {4}\/planets {24}page "Planets"$/m)
      assert.match(app.output.stdout, /^ {2}GET {4}\/api\/planets {20}authenticated$/m)

      const browser = await launch(t)
      const page = await browser.newPage()
      page.setDefaultTimeout(15_000)
      const statuses: string[] = []
      page.on('response', (response) =>
        statuses.push(`${response.status()} ${new URL(response.url()).pathname}`),
      )
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })

      await page.goto(`${app.url}/`)
      await page.getByText('Rows 1–5 of 13').waitFor()
      assert.deepEqual(await cells(page), ['Mercury', 'Venus', 'Earth', 'Mars', 'Ceres'])
      assert.equal(
        await page.getByRole('heading', { level: 2 }).textContent(),
        'By distance from the Sun',
      )
      assert.equal(await page.title(), 'Planets · Solar system')
      assert.equal(await page.locator('.dara-title').textContent(), 'Solar system')

      await page.getByRole('button', { name: 'Next' }).click()
      await page.getByText('Rows 6–10 of 13').waitFor()
      assert.deepEqual(await cells(page), ['Jupiter', 'Saturn', 'Uranus', 'Neptune', 'Pluto'])
      await page.getByRole('button', { name: 'Next' }).click()
      await page.getByText('Rows 11–13 of 13').waitFor()
      assert.deepEqual(await cells(page), ['Haumea', 'Makemake', 'Eris'])
      assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true)
      await page.getByRole('button', { name: 'Previous' }).click()
      await page.getByText('Rows 6–10 of 13').waitFor()

      // Each page of rows came from the component's own endpoint, with the session cookie.
      assert.deepEqual(
        statuses.filter((line) => line.includes('/api/planets')),
        ['200 /api/planets', '200 /api/planets', '200 /api/planets', '200 /api/planets'],
      )
      const icon = await page.evaluate(async () => {
        const href = document.querySelector('link[rel="icon"]')?.getAttribute('href') ?? ''
        const res = await fetch(href)
        return { href, status: res.status, type: res.headers.get('content-type') }
      })
      assert.deepEqual(icon, { href: '/favicon.svg', status: 200, type: 'image/svg+xml' })

      // The first load: config, then a session, then the pages; never a 401.
      assert.deepEqual(
        statuses.filter((line) => line.startsWith('401')),
        [],
      )
      assert.deepEqual(statuses.filter((line) => line.includes('/api/')).slice(0, 4), [
        '200 /api/core/config',
        '200 /api/auth/session',
        '200 /api/core/pages',
        '200 /api/core/pages/planets',
      ])
      const logged = app.output.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; status?: number; url?: string })
        .filter((line) => line.msg === 'request')
      assert.ok(logged.some((line) => line.url?.startsWith('/api/planets')))
      assert.deepEqual(
        logged.filter((line) => line.status === 401),
        [],
      )
      assert.deepEqual(errors, [])
    },
  )
})
