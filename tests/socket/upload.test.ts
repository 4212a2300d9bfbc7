// Uploads over a real socket, where a client can stop halfway or send chunks
// without a length: nothing partial stays on disk and no request hangs.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { UploadDropzone } from 'dara-ts/components'
import { buildApp, tokenFor } from '../helpers/app.ts'
import { fileBody } from '../helpers/multipart.ts'

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

async function savingApp(t: Parameters<typeof buildApp>[0], maxSize?: number) {
  const folder = mkdtempSync(join(tmpdir(), 'dara-up-'))
  const outcomes: string[] = []
  const config = new ConfigurationBuilder()
  config.addPage(
    'Home',
    new UploadDropzone({
      accept: '*',
      ...(maxSize ? { maxSize } : {}),
      resolver: async (file) => {
        try {
          const saved = await file.saveTo(folder)
          outcomes.push('saved')
          return saved.name
        } catch (error) {
          outcomes.push(`failed: ${error instanceof Error ? error.message : String(error)}`)
          throw error
        }
      },
    }),
  )
  const app = buildApp(t, config)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(address && typeof address === 'object')
  return { app, folder, outcomes, port: address.port, token: await tokenFor(app) }
}

void test('a client that aborts mid-upload leaves no file, and the request ends', async (t) => {
  const { folder, outcomes, port, token } = await savingApp(t)
  const { body, contentType } = fileBody('big.bin', randomBytes(4 * 1024 * 1024))
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/core/data/upload?resolver_id=home:0',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': contentType,
      'content-length': body.length,
    },
  })
  req.on('error', () => undefined)
  req.write(body.subarray(0, 1024 * 1024))
  // The resolver is writing its temporary file: the upload is under way.
  await until(() => readdirSync(folder).length > 0, 'the temporary file')
  assert.match(readdirSync(folder)[0] ?? '', /^\.\d+-[0-9a-f]{8}-big\.bin\.[0-9a-f]{6}-\d+\.part$/)
  req.destroy()

  await until(() => outcomes.length > 0, 'the resolver to settle')
  assert.match(outcomes[0] ?? '', /^failed: /)
  await until(() => readdirSync(folder).length === 0, 'the temporary file to go')

  // The server goes on: a whole upload after the aborted one is saved.
  const whole = fileBody('small.bin', randomBytes(1000))
  const res = await fetch(`http://127.0.0.1:${port}/api/core/data/upload?resolver_id=home:0`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': whole.contentType },
    body: whole.body,
  })
  assert.equal(res.status, 200)
  assert.deepEqual(readdirSync(folder).length, 1)
})

void test('a chunked upload with no length is cut at maxSize: 413 and nothing on disk', async (t) => {
  const { folder, outcomes, port, token } = await savingApp(t, 100_000)
  const { body, contentType } = fileBody('big.bin', randomBytes(1024 * 1024))
  const answer = await new Promise<{ status: number; text: string; connection?: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/core/data/upload?resolver_id=home:0',
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }),
          )
        },
      )
      req.on('error', reject)
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024))
      req.end()
    },
  )
  assert.equal(answer.status, 413)
  // The rest of the body is read away (tests/socket/early-refusal.test.ts): the connection stays usable.
  assert.equal(answer.connection, 'keep-alive')
  assert.deepEqual(JSON.parse(answer.text), {
    detail: 'The file is too large: the limit is 97.7 KiB',
    code: 'DARA_ERR_UPLOAD_TOO_LARGE',
  })
  assert.deepEqual(outcomes, [
    'failed: DARA_ERR_UPLOAD_TOO_LARGE: The file is too large: the limit is 97.7 KiB',
  ])
  assert.deepEqual(readdirSync(folder), [])
})
