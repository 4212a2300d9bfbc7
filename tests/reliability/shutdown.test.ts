// SIGTERM under load: `dara start` stops taking connections, lets every request
// in flight finish (none dropped, each counted), and exits 0 within its grace
// period; past it, it cuts what is left and exits 1. Its limits and CORS come
// from the environment.
import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createApp } from 'dara-ts'
import { config as drainConfig } from '../fixtures/drain.ts'
import { SECRET } from '../helpers/auth.ts'
import { exitWithin, spawnDara, startDara } from '../helpers/dara-process.ts'
import { listen, open, parseAnswer } from '../helpers/raw-socket.ts'

const DRAIN = 'tests/fixtures/drain.ts'

interface Outcome {
  readonly status?: number
  readonly body?: string
  readonly error?: string
}

/** A GET whose outcome is recorded whatever happens: an answer, or the socket error. */
function attempt(agent: Agent, url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', (error) => resolve({ error: error.message }))
    })
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message }),
    )
    req.end()
  })
}

async function waitForStarted(url: string, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const res = await fetch(`${url}/api/started`, { headers: { connection: 'close' } })
    if (Number(await res.json()) >= count) return
    await sleep(20)
  }
  assert.fail(`fewer than ${count} requests started`)
}

void test('SIGTERM with 40 requests in flight: all 40 finish with 200, then exit 0', async (t) => {
  const app = await startDara(t, DRAIN, { DARA_GRACE_MS: '8000' })
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  const IN_FLIGHT = 40
  const requests = Array.from({ length: IN_FLIGHT }, () =>
    attempt(agent, `${app.url}/api/slow?ms=700`),
  )
  await waitForStarted(app.url, IN_FLIGHT)
  app.child.kill('SIGTERM')
  // Once closing, a new connection is refused outright; nothing half-answers it.
  // Between the closing flag and the listener's close (a moment, longer on a
  // busy machine) a connection may still be accepted: it gets the whole 503.
  await sleep(100)
  let late = await attempt(new Agent(), `${app.url}/api/slow?ms=0`)
  for (const deadline = Date.now() + 5_000; late.status === 503 && Date.now() < deadline;) {
    assert.deepEqual(JSON.parse(late.body ?? ''), {
      detail: 'The server is shutting down: retry in a moment',
      code: 'DARA_ERR_CLOSING',
    })
    await sleep(50)
    late = await attempt(new Agent(), `${app.url}/api/slow?ms=0`)
  }
  assert.equal(late.error, 'ECONNREFUSED', JSON.stringify(late))

  const outcomes = await Promise.all(requests)
  const finished = outcomes.filter((o) => o.status === 200)
  assert.equal(finished.length, IN_FLIGHT, JSON.stringify(outcomes.filter((o) => o.status !== 200)))
  // Every one ran to its end: the handler's own count of finished requests reached 40.
  const counts = finished.map((o) => (JSON.parse(o.body ?? '{}') as { finished: number }).finished)
  assert.deepEqual(
    counts.sort((a, b) => a - b),
    Array.from({ length: IN_FLIGHT }, (_, i) => i + 1),
  )
  const exit = await exitWithin(app, 8000)
  assert.deepEqual(exit, { code: 0, signal: null })
  assert.equal(app.output.stderr, '')
})

void test('a request that arrives on a busy connection while the app closes gets 503 { detail }, after the one in flight', async (t) => {
  const app = createApp(drainConfig, { logger: false, secret: SECRET })
  const port = await listen(t, app)
  const socket = await open(t, port)
  let text = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  const closed = new Promise((resolve) => socket.once('close', resolve))
  socket.write('GET /api/slow?ms=400 HTTP/1.1\r\nHost: x\r\n\r\n')
  await waitForStarted(`http://127.0.0.1:${port}`, 1)
  const closing = app.close()
  // Pipelined behind the slow one, on the same connection: it arrives once closing began.
  socket.write('GET /api/started HTTP/1.1\r\nHost: x\r\n\r\n')
  await closed
  await closing
  const answers = text.split(/(?=HTTP\/1\.1 )/)
  assert.equal(answers.length, 2, text)
  assert.match(answers[0] ?? '', /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"finished":\d+\}$/)
  const second = parseAnswer(answers[1] ?? '', 0)
  assert.equal(second.status, 503)
  assert.match(answers[1] ?? '', /\r\nconnection: close\r\n/i)
  assert.deepEqual(second.json, {
    detail: 'The server is shutting down: retry in a moment',
    code: 'DARA_ERR_CLOSING',
  })
})

void test('past the grace period, what is left is cut and the exit code is 1', async (t) => {
  const app = await startDara(t, DRAIN, { DARA_GRACE_MS: '300', DARA_LOG_LEVEL: 'info' })
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  const requests = Array.from({ length: 5 }, () => attempt(agent, `${app.url}/api/slow?ms=20000`))
  await waitForStarted(app.url, 5)
  app.child.kill('SIGTERM')
  const exit = await exitWithin(app, 8000)
  assert.deepEqual(exit, { code: 1, signal: null })
  const outcomes = await Promise.all(requests)
  assert.deepEqual(
    outcomes.map((o) => o.error),
    Array.from({ length: 5 }, () => 'ECONNRESET'),
  )
  const line = app.output.stdout.split('\n').find((l) => l.includes('Grace period over'))
  assert.ok(line, app.output.stdout)
  const logged = JSON.parse(line) as { graceMs: number; connections: number; level: number }
  assert.equal(logged.graceMs, 300)
  assert.equal(logged.connections, 5)
  assert.equal(logged.level, 50)
})

void test('dara start reads its limits and CORS origins from the environment', async (t) => {
  const app = await startDara(t, DRAIN, {
    DARA_BODY_LIMIT: '100',
    DARA_CORS_ORIGINS: 'http://ui.example:5173',
  })
  const post = (size: number, origin?: string) =>
    fetch(`${app.url}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...(origin ? { origin } : {}) },
      body: 'x'.repeat(size),
    })
  const over = await post(101)
  assert.equal(over.status, 413)
  const ok = await post(100, 'http://ui.example:5173')
  assert.equal(ok.status, 200)
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://ui.example:5173')
  const other = await post(10, 'http://evil.example')
  assert.equal(other.status, 200)
  assert.equal(other.headers.get('access-control-allow-origin'), null)
})

void test('a malformed limit in the environment stops dara start with one line', async (t) => {
  const cases = [
    ['DARA_BODY_LIMIT', '1mb', 'DARA_BODY_LIMIT must be a whole number from 1, got "1mb"'],
    ['DARA_GRACE_MS', '-5', 'DARA_GRACE_MS must be a whole number from 1, got "-5"'],
    ['DARA_CORS_ORIGINS', 'ui.example', 'cors.origins must be a list of origins'],
  ] as const
  // In parallel: each is a process start, and they do not share anything.
  const runs = cases.map(([name, value]) => spawnDara(t, DRAIN, { [name]: value }))
  const exits = await Promise.all(runs.map((run) => exitWithin(run, 30_000)))
  cases.forEach(([name, , message], i) => {
    assert.deepEqual(exits[i], { code: 1, signal: null }, name)
    const stderr = runs[i]?.output.stderr ?? ''
    const lines = stderr.trim().split('\n')
    assert.equal(lines.length, 1, stderr)
    assert.ok(lines[0]?.startsWith(`error DARA_ERR_SERVER_OPTION_INVALID: ${message}`), lines[0])
  })
})
