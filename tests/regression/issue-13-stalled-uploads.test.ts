// Issue 13, item 1: an upload that stalls, crawls or is cut by a crash. Against
// a real `dara start` process, over raw sockets: a stalled upload gets one
// answer (408), its file part is destroyed, saveTo removes its temporary file,
// and the process is left with no more open files than before; a slow but
// steady upload outlives the request and handler timeouts; the temporary file
// a killed process left behind is swept by the next one.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startDara } from '../helpers/dara-process.ts'
import { tokenOf } from '../helpers/auth.ts'
import { fileBody, type MultipartBody } from '../helpers/multipart.ts'

const ENTRY = 'tests/fixtures/upload-app.ts'
const BOUNDARY = '----dara-stall'

function folderFor(t: TestContext): string {
  const folder = mkdtempSync(join(tmpdir(), 'dara-stall-'))
  t.after(() => rmSync(folder, { recursive: true, force: true }))
  return folder
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Open file descriptors of a process: files, sockets, pipes. */
function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length
}

function post(url: string, token: string, id: string, { body, contentType }: MultipartBody) {
  return fetch(`${url}/api/core/data/upload?resolver_id=${id}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  })
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/session`, { method: 'POST' })
  return tokenOf(await res.json())
}

/** The head of an upload of `size` bytes to the dropzone `id`, up to the file's first byte. */
function uploadHead(url: string, token: string, id: string, size: number): string {
  const partHead =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="data"; filename="big.csv"\r\n` +
    'Content-Type: text/csv\r\n\r\n'
  const length = Buffer.byteLength(partHead) + size + `\r\n--${BOUNDARY}--\r\n`.length
  return (
    `POST /api/core/data/upload?resolver_id=${id} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n` +
    `Authorization: Bearer ${token}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
    `Content-Length: ${length}\r\n\r\n${partHead}`
  )
}

/** A raw connection: what it received, and whether the server closed it. */
interface Connection {
  readonly socket: Socket
  text: string
  closed: boolean
}

function open(t: TestContext, url: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const { port, hostname } = new URL(url)
    const socket = connect({ port: Number(port), host: hostname }, () => resolve(connection))
    const connection: Connection = { socket, text: '', closed: false }
    socket.setEncoding('latin1').on('data', (chunk: string) => (connection.text += chunk))
    socket.on('close', () => (connection.closed = true))
    socket.on('error', () => undefined)
    socket.once('error', reject)
    t.after(() => socket.destroy())
  })
}

/** The status lines a connection received: one per answer. */
function answers(text: string): string[] {
  return text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? []
}

function bodyOf(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))
}

void test('10 stalled uploads: one 408 each, no temporary file left, no file or socket left open', async (t) => {
  const folder = folderFor(t)
  const app = await startDara(t, ENTRY, {
    DARA_TEST_UPLOAD_DIR: folder,
    DARA_UPLOAD_RATE_WINDOW_MS: '2000',
    // Shorter than the stall takes to be noticed (2 to 4 s): neither may answer a second time.
    DARA_REQUEST_TIMEOUT_MS: '1500',
    DARA_HEADERS_TIMEOUT_MS: '1000',
    DARA_HANDLER_TIMEOUT_MS: '1500',
  })
  const pid = app.child.pid
  assert.ok(pid)
  const token = await login(app.url)
  // A whole upload first, so that everything loaded lazily is loaded.
  const warm = await post(app.url, token, 'home:0.1', fileBody('warm.csv', 'a\n1\n'))
  assert.equal(warm.status, 200, await warm.text())
  await sleep(300)
  const before = openFds(pid)

  // Five save to disk, five parse rows: each sends 64 KiB of a 9 MiB file, then nothing.
  const stalled: Connection[] = []
  for (let i = 0; i < 10; i++) {
    const connection = await open(t, app.url)
    const id = i % 2 === 0 ? 'home:0.0' : 'home:0.1'
    connection.socket.write(uploadHead(app.url, token, id, 9 * 1024 * 1024))
    connection.socket.write(`a,b\n${'1,2\n'.repeat(16 * 1024)}`)
    stalled.push(connection)
  }
  // Each saving upload has its temporary file until the stall is noticed.
  const seen = new Set<string>()
  await until(() => {
    for (const name of readdirSync(folder)) seen.add(name)
    return stalled.every((c) => c.closed)
  }, 'the server to close every stalled upload')
  assert.equal([...seen].filter((name) => name.endsWith('.part')).length, 5, [...seen].join())

  for (const { text } of stalled) {
    assert.deepEqual(answers(text), ['HTTP/1.1 408 Request Timeout'], text)
    const body = bodyOf(text) as { detail: string; code: string }
    assert.equal(body.code, 'DARA_ERR_UPLOAD_STALLED')
    assert.match(
      body.detail,
      /^The upload is too slow: \d+ bytes arrived in the last 2 s, under the 4096 bytes per second it must keep up$/,
    )
  }
  assert.deepEqual(readdirSync(folder), [])
  await until(() => openFds(pid) <= before, `open fds back to ${before} (now ${openFds(pid)})`)
})

void test('an upload at 50 KB/s for longer than the request and handler timeouts is received whole', async (t) => {
  const folder = folderFor(t)
  const app = await startDara(t, ENTRY, {
    DARA_TEST_UPLOAD_DIR: folder,
    DARA_UPLOAD_RATE_WINDOW_MS: '1000',
    DARA_REQUEST_TIMEOUT_MS: '1000',
    DARA_HEADERS_TIMEOUT_MS: '500',
    DARA_HANDLER_TIMEOUT_MS: '1000',
  })
  const token = await login(app.url)
  const content = randomBytes(150 * 1024)
  const connection = await open(t, app.url)
  connection.socket.write(uploadHead(app.url, token, 'home:0.0', content.length))
  // 5 KiB every 100 ms: 3 s in all, three times the request timeout.
  for (let sent = 0; sent < content.length; sent += 5 * 1024) {
    connection.socket.write(content.subarray(sent, sent + 5 * 1024))
    await sleep(100)
  }
  connection.socket.write(`\r\n--${BOUNDARY}--\r\n`)
  await until(
    () => answers(connection.text).length > 0 && connection.text.endsWith('}'),
    'the answer',
  )

  assert.deepEqual(answers(connection.text), ['HTTP/1.1 200 OK'], connection.text)
  const body = bodyOf(connection.text) as { status: string; result: string }
  assert.equal(body.status, 'SUCCESS')
  assert.match(body.result, /^\d+-[0-9a-f]{8}-big\.csv$/)
  assert.deepEqual(readdirSync(folder), [body.result])
  assert.ok(readFileSync(join(folder, body.result)).equals(content), 'the file arrived whole')
})

void test('the temporary file of a killed process is swept by the next one; a live upload’s is kept', async (t) => {
  const folder = folderFor(t)
  const env = { DARA_TEST_UPLOAD_DIR: folder, DARA_UPLOAD_TIMEOUT_MS: '600000' }
  const first = await startDara(t, ENTRY, env)
  const firstToken = await login(first.url)
  const connection = await open(t, first.url)
  connection.socket.write(uploadHead(first.url, firstToken, 'home:0.0', 1024 * 1024))
  connection.socket.write(randomBytes(64 * 1024))
  await until(() => readdirSync(folder).length === 1, 'the temporary file')
  const [left] = readdirSync(folder)
  assert.match(left ?? '', /^\.\d{13}-[0-9a-f]{8}-big\.csv\.[0-9a-f]{6}-\d+\.part$/)
  first.child.kill('SIGKILL')
  await first.exited
  assert.deepEqual(readdirSync(folder), [left], 'a crash leaves its temporary file')

  // Beside it: one of an upload still running in another process (this one), and one
  // older than any upload may last (uploadTimeout, 10 min here).
  const host = /\.([0-9a-f]{6})-\d+\.part$/.exec(left ?? '')?.[1]
  const live = `.${Date.now()}-0123abcd-other.csv.${host}-${process.pid}.part`
  const old = `.${Date.now() - 11 * 60_000}-0123abcd-old.csv.${host}-${process.pid}.part`
  writeFileSync(join(folder, live), 'x')
  writeFileSync(join(folder, old), 'x')

  const second = await startDara(t, ENTRY, env)
  const token = await login(second.url)
  const res = await post(second.url, token, 'home:0.0', fileBody('new.csv', 'a,b\n1,2\n'))
  assert.equal(res.status, 200)
  const { result } = (await res.json()) as { result: string }
  assert.deepEqual(readdirSync(folder).sort(), [live, result].sort())
})
