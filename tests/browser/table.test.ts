// The upload-table example in a real browser: a CSV file chosen in the
// dropzone is parsed by its resolver and shown in the Table, which draws the
// first page, turns pages, sorts on a header click and narrows rows as a
// filter is typed, each through its endpoint on the server.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { createApp, type ConfigurationBuilder } from 'dara-ts'
import { SECRET } from '../helpers/app.ts'
import { launch, pixelStats } from './chromium.ts'
import { needs } from '../helpers/system.ts'

const OUTPUT = new URL('../../test-output/', import.meta.url)
const TIMEOUT = 15_000

/** 25 people in three cities; amounts chosen so that text order and number order differ. */
const CSV = [
  'name,city,amount',
  ...Array.from(
    { length: 25 },
    (_, i) =>
      `person ${String(i + 1).padStart(2, '0')},${['Paris', 'Lyon', 'Nantes'][i % 3] ?? ''},${(i * 37) % 101}`,
  ),
].join('\n')

async function startExample() {
  const module = (await import('../../examples/upload-table/main.ts')) as {
    config: ConfigurationBuilder
  }
  const app = createApp(module.config, { logger: false, secret: SECRET })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(address && typeof address === 'object')
  return { app, url: `http://127.0.0.1:${address.port}` }
}

/** The text of one column of the rows shown, by its position from 1. */
function column(page: Page, n: number): Promise<string[]> {
  return page.locator(`.dara-table tbody tr td:nth-child(${n})`).allTextContents()
}

/** Waits until the pager says `text`: the page it describes has been drawn with it. */
async function pager(page: Page, text: string): Promise<void> {
  await page.locator('.dara-table-pager [role=status]', { hasText: text }).waitFor()
}

void describe('upload-table example in chromium', { skip: needs('chromium') }, () => {
  void test(
    'an uploaded CSV shows in the table, which pages, sorts and filters',
    { timeout: 90_000 },
    async (t) => {
      const { app, url } = await startExample()
      t.after(() => app.close())
      const browser = await launch(t)
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
      page.setDefaultTimeout(TIMEOUT)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      // The browser logs a failed load of any resource (the favicon's 404, the
      // first load's 401 before the session); the rows' answers are checked below.
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
          errors.push(message.text())
      })
      const asked: string[] = []
      page.on('response', (response) => {
        if (!response.url().includes('/api/upload-table/rows')) return
        asked.push(response.url())
        if (response.status() !== 200) errors.push(`${response.status()} ${response.url()}`)
      })

      await page.goto(`${url}/`)
      await page.getByText('No file yet: drop a CSV file above.').waitFor()
      await pager(page, 'No rows')

      const chooser = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: 'Upload a file' }).click()
      await (
        await chooser
      ).setFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) })
      await page.getByText('Upload Successful: people.csv. Click to upload again.').waitFor()
      // The dropzone's refresh loads the page again: the header is the file's.
      await page.getByText('people.csv: 25 rows').waitFor()
      await pager(page, 'Rows 1–10 of 25')
      assert.deepEqual(
        await page.locator('.dara-table thead tr:first-child th').allTextContents(),
        ['name', 'city', 'amount'],
      )
      assert.deepEqual(
        await column(page, 1),
        Array.from({ length: 10 }, (_, i) => `person ${String(i + 1).padStart(2, '0')}`),
      )
      assert.deepEqual((await column(page, 2)).slice(0, 3), ['Paris', 'Lyon', 'Nantes'])
      assert.ok(await page.getByRole('button', { name: 'Previous' }).isDisabled())

      await page.getByRole('button', { name: 'Next' }).click()
      await pager(page, 'Rows 11–20 of 25')
      assert.equal((await column(page, 1))[0], 'person 11')
      await page.getByRole('button', { name: 'Next' }).click()
      await pager(page, 'Rows 21–25 of 25')
      assert.deepEqual(await column(page, 1), [
        'person 21',
        'person 22',
        'person 23',
        'person 24',
        'person 25',
      ])
      assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled())
      assert.match(asked.at(-1) ?? '', /\?offset=20&limit=10$/)

      // A header click sorts from the first page, up; a second click, down.
      const amounts = CSV.split('\n')
        .slice(1)
        .map((line) => Number(line.split(',')[2]))
      const up = [...amounts].sort((a, b) => a - b)
      await page.getByRole('button', { name: 'amount' }).click()
      await page.locator('th[aria-sort=ascending]', { hasText: 'amount ▲' }).waitFor()
      await pager(page, 'Rows 1–10 of 25')
      assert.deepEqual((await column(page, 3)).map(Number), up.slice(0, 10))
      await page.getByRole('button', { name: 'amount ▲' }).click()
      await page.locator('th[aria-sort=descending]', { hasText: 'amount ▼' }).waitFor()
      await page.waitForFunction(
        (first) =>
          document.querySelector('.dara-table tbody td:nth-child(3)')?.textContent === first,
        String(up.at(-1)),
      )
      assert.deepEqual((await column(page, 3)).map(Number), [...up].reverse().slice(0, 10))
      assert.match(asked.at(-1) ?? '', /sort=amount&order=desc/)

      // Typing in a filter narrows the rows to those whose city holds the text.
      await page.getByRole('searchbox', { name: 'Filter city' }).fill('lyo')
      await pager(page, 'Rows 1–8 of 8')
      assert.deepEqual(
        await column(page, 2),
        Array.from({ length: 8 }, () => 'Lyon'),
      )
      const lyon = CSV.split('\n')
        .slice(1)
        .filter((line) => line.includes(',Lyon,'))
        .map((line) => Number(line.split(',')[2]))
        .sort((a, b) => b - a)
      assert.deepEqual((await column(page, 3)).map(Number), lyon)
      assert.match(asked.at(-1) ?? '', /filter%5Bcity%5D%5Bcontains%5D=lyo/)
      await page.getByRole('searchbox', { name: 'Filter name' }).fill('person 0')
      await pager(page, 'Rows 1–3 of 3')
      await page.getByRole('searchbox', { name: 'Filter city' }).fill('')
      await page.getByRole('searchbox', { name: 'Filter name' }).fill('')
      await pager(page, 'Rows 1–10 of 25')

      // Another file while on the last page: its header, and its own last page.
      await page.getByRole('button', { name: 'Next' }).click()
      await page.getByRole('button', { name: 'Next' }).click()
      await pager(page, 'Rows 21–25 of 25')
      const codes = ['code,label', ...Array.from({ length: 12 }, (_, i) => `c${i + 1},L${i + 1}`)]
      const again = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: 'Upload a file' }).click()
      await (
        await again
      ).setFiles({ name: 'codes.csv', mimeType: 'text/csv', buffer: Buffer.from(codes.join('\n')) })
      await page.getByText('codes.csv: 12 rows').waitFor()
      await pager(page, 'Rows 11–12 of 12')
      assert.deepEqual(
        await page.locator('.dara-table thead tr:first-child th').allTextContents(),
        ['code', 'label'],
      )
      assert.deepEqual(await column(page, 1), ['c11', 'c12'])
      await page.getByRole('button', { name: 'Previous' }).click()
      await pager(page, 'Rows 1–10 of 12')

      mkdirSync(OUTPUT, { recursive: true })
      const png = await page.screenshot({ fullPage: true })
      writeFileSync(new URL('upload-table-example.png', OUTPUT), png)
      const stats = await pixelStats(page, png)
      assert.ok(stats.colours > 20, `${stats.colours} colours`)
      assert.deepEqual(errors, [])
    },
  )
})
