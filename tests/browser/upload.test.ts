// The upload example in a real browser: the page renders from the server's
// JSON, a file chosen through the file chooser reaches the resolver byte for
// byte, drop and paste upload too, and a too-large file shows the server's
// detail. A screenshot goes to test-output/ and must not be blank.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { createApp, type ConfigurationBuilder } from 'dara-ts'
import { SECRET } from '../helpers/app.ts'
import { launch, pixelStats } from './chromium.ts'
import { needs } from '../helpers/system.ts'

const OUTPUT = new URL('../../test-output/', import.meta.url)
const TIMEOUT = 15_000

async function startExample(folder: string) {
  // The example reads its folder when it loads: set it first.
  process.env['UPLOAD_DIR'] = folder
  const module = (await import('../../examples/upload/main.ts')) as { config: ConfigurationBuilder }
  const app = createApp(module.config, { logger: false, secret: SECRET })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(address && typeof address === 'object')
  return { app, url: `http://127.0.0.1:${address.port}` }
}

/** The files the resolver saved: temporary ones start with a dot. */
function saved(folder: string): string[] {
  return readdirSync(folder).filter((name) => !name.startsWith('.'))
}

void describe('upload example in chromium', { skip: needs('chromium') }, () => {
  void test(
    'choose, drop and paste upload; too large shows the error',
    { timeout: 90_000 },
    async (t) => {
      const folder = mkdtempSync(join(tmpdir(), 'dara-browser-'))
      const { app, url } = await startExample(folder)
      t.after(() => app.close())
      const browser = await launch(t)
      const page = await browser.newPage({ viewport: { width: 1000, height: 640 } })
      page.setDefaultTimeout(TIMEOUT)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      // A refused upload logs its status as a console error; anything else (a
      // script error, a Content-Security-Policy violation) fails the test.
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
          errors.push(message.text())
      })

      await page.goto(`${url}/`)
      await page.getByText('0 files saved').waitFor()
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Upload files')
      assert.equal(await page.title(), 'Upload · dara-ts')

      // Through the file chooser, as a person clicks the zone.
      const content = randomBytes(200_000)
      const chooser = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: 'Upload a file' }).click()
      await (
        await chooser
      ).setFiles({ name: 'report.bin', mimeType: 'application/octet-stream', buffer: content })
      await page.getByText('Upload Successful: report.bin. Click to upload again.').waitFor()
      // onDrop refreshes the page: the Text counts the new file.
      await page.getByText('1 file saved').waitFor()
      const first = saved(folder)
      assert.equal(first.length, 1)
      assert.match(first[0] ?? '', /-report\.bin$/)
      assert.ok(readFileSync(join(folder, first[0] ?? '')).equals(content), 'the exact bytes')

      // A slow link: the zone shows the upload's progress before its success.
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 256 * 1024,
      })
      const slow = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: 'Upload a file' }).click()
      await (
        await slow
      ).setFiles({
        name: 'slow.bin',
        mimeType: 'application/octet-stream',
        buffer: randomBytes(768 * 1024),
      })
      await page.locator('progress').waitFor()
      const shown = (await page.locator('.dara-dropzone-progress p').textContent()) ?? ''
      assert.match(shown, /^Uploading slow\.bin… (\d|[1-9]\d|100)%$/)
      await page.getByText('Upload Successful: slow.bin. Click to upload again.').waitFor()
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      })
      await page.getByText('2 files saved').waitFor()

      // Dropped onto the zone.
      const dropped = await page.evaluateHandle(() => {
        const transfer = new DataTransfer()
        transfer.items.add(new File(['dropped,data\n1,2\n'], 'dropped.csv', { type: 'text/csv' }))
        return transfer
      })
      await page.dispatchEvent('.dara-dropzone', 'drop', { dataTransfer: dropped })
      await page.getByText('Upload Successful: dropped.csv. Click to upload again.').waitFor()
      await page.getByText('3 files saved').waitFor()

      // Pasted text becomes a file.
      await page.evaluate(() => {
        const transfer = new DataTransfer()
        transfer.setData('text/plain', 'pasted,text\n')
        document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer }))
      })
      await page.getByText('4 files saved').waitFor()
      const pasted = saved(folder).find((name) => name.endsWith('-pasted_data.csv'))
      assert.ok(pasted, `a pasted file among ${saved(folder).join(', ')}`)
      assert.equal(readFileSync(join(folder, pasted), 'utf8'), 'pasted,text\n')

      // Too large: the server refuses it and the page shows its detail.
      const chooser2 = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: 'Upload a file' }).click()
      await (
        await chooser2
      ).setFiles({
        name: 'huge.bin',
        mimeType: 'application/octet-stream',
        buffer: Buffer.alloc(6 * 1024 * 1024, 1),
      })
      const alert = page.getByRole('alert')
      await alert.waitFor()
      assert.equal(
        await alert.textContent(),
        'Upload Failed: The file is too large: the limit is 5 MiB',
      )
      assert.equal(saved(folder).length, 4)
      assert.deepEqual(
        readdirSync(folder).filter((name) => name.startsWith('.')),
        [],
      )

      mkdirSync(OUTPUT, { recursive: true })
      const png = await page.screenshot({ fullPage: true })
      writeFileSync(new URL('upload-example.png', OUTPUT), png)
      const stats = await pixelStats(page, png)
      assert.equal(stats.width, 1000)
      assert.ok(stats.colours > 20, `${stats.colours} colours`)
      assert.ok(stats.variance > 100, `luminance variance ${stats.variance}`)

      // The menu goes to the other page, and its Button comes back.
      await page.getByRole('link', { name: 'About' }).click()
      await page.getByText('About this example').waitFor()
      assert.equal(new URL(page.url()).pathname, '/about')
      await page.getByRole('button', { name: 'Upload a file' }).click()
      await page.getByText('4 files saved').waitFor()
      assert.equal(new URL(page.url()).pathname, '/upload')
      assert.deepEqual(errors, [])
    },
  )
})
