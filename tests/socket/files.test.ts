// A custom route with `options.files` on a real socket: a stalled upload gets
// one 408 from the built-in upload's guard, and a file cut off by the client
// leaves no spooled copy behind.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { post } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'
import { sessionToken } from '../helpers/listen.ts'

const SPOOL = join(tmpdir(), `dara-ts-files-${process.getuid?.() ?? 'user'}`)
const BOUNDARY = '----dara-files'

async function start(t: TestContext, ran: string[]): Promise<{ port: number; token: string }> {
  const config = new ConfigurationBuilder()
  config.addEndpoint(post('/take', { files: { data: {} } }, () => void ran.push('ran')))
  const app = createApp(config, {
    logger: false,
    secret: SECRET,
    limits: {
      uploadRateWindow: 1000,
      requestTimeout: 800,
      headersTimeout: 500,
      handlerTimeout: 800,
    },
  })
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  return { port: address.port, token: await sessionToken(`http://127.0.0.1:${address.port}`) }
}

/** Sends the head of an upload of `size` bytes named `filename`, and `first` bytes of it. */
function begin(port: number, token: string, filename: string, size: number, first: number) {
  const partHead =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="data"; filename="${filename}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  const length = Buffer.byteLength(partHead) + size + `\r\n--${BOUNDARY}--\r\n`.length
  const connection = { text: '', closed: false, socket: undefined as Socket | undefined }
  const socket = connect({ port, host: '127.0.0.1' })
  connection.socket = socket
  socket.setEncoding('latin1').on('data', (chunk: string) => (connection.text += chunk))
  socket.on('close', () => (connection.closed = true))
  socket.on('error', () => undefined)
  socket.write(
    `POST /api/take HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n` +
      partHead,
  )
  socket.write(Buffer.alloc(first, 1))
  return connection
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

const spooled = (marker: string): string[] =>
  readdirSync(SPOOL).filter((name) => name.includes(marker))

void test('a stalled file to a custom route: one 408, its spooled copy removed, no handler', async (t) => {
  const ran: string[] = []
  const { port, token } = await start(t, ran)
  const marker = `stall${process.pid}${Date.now()}`
  const connection = begin(port, token, `${marker}.bin`, 8 * 1024 * 1024, 64 * 1024)
  t.after(() => connection.socket?.destroy())
  await until(() => spooled(marker).length === 1, 'the spooled file')
  await until(() => connection.text.includes('\r\n\r\n{'), 'the answer')
  assert.deepEqual(connection.text.match(/HTTP\/1\.1 \d{3} [^\r]*/g), [
    'HTTP/1.1 408 Request Timeout',
  ])
  const body = JSON.parse(connection.text.slice(connection.text.indexOf('\r\n\r\n') + 4)) as {
    code: string
    detail: string
  }
  assert.equal(body.code, 'DARA_ERR_UPLOAD_STALLED')
  assert.match(body.detail, /^The upload is too slow: \d+ bytes arrived in the last 1 s/)
  await until(() => spooled(marker).length === 0, 'the spooled file to go')
  assert.deepEqual(ran, [])
})

void test('a file cut off by the client leaves no spooled copy and runs no handler', async (t) => {
  const ran: string[] = []
  const { port, token } = await start(t, ran)
  const marker = `cut${process.pid}${Date.now()}`
  const connection = begin(port, token, `${marker}.bin`, 8 * 1024 * 1024, 256 * 1024)
  await until(() => spooled(marker).length === 1, 'the spooled file')
  connection.socket?.destroy()
  await until(() => spooled(marker).length === 0, 'the spooled file to go')
  assert.deepEqual(ran, [])
})
