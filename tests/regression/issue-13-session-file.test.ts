// Issue 13, item 8: `dara start` in development rewrote the whole sessions
// file, synchronously, on every login: under a flood of anonymous logins,
// logins fell from 83/s to 17/s and other requests waited seconds. Now changes
// are written in the background, together, at most once a second (a logout at
// once), and the file is always a whole snapshot: a process killed mid-flood
// leaves one that the next start reads.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, watch } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { bearer } from '../helpers/auth.ts'
import { ROOT, call, field, startDara, stopDara, type DaraProcess } from '../helpers/processes.ts'

const ENTRY = join(ROOT, 'tests', 'fixtures', 'redis-app.ts')
// Anonymous logins need no password.
const ANONYMOUS = join(ROOT, 'tests', 'fixtures', 'anonymous-app.ts')
const DEV = {
  DARA_JWT_SECRET: '',
  DARA_REDIS_URL: '',
  DARA_SESSION_FILE: '',
  NODE_ENV: 'development',
}
const LOGINS = 100

function workingDir(t: TestContext): string {
  const cwd = mkdtempSync(join(tmpdir(), 'dara-session-file-'))
  t.after(() => rmSync(cwd, { recursive: true, force: true }))
  return cwd
}

async function login(app: DaraProcess): Promise<string> {
  const res = await call(`${app.url}/api/auth/session`, {
    method: 'POST',
    json: { username: 'ada', password: 'lovelace' },
  })
  assert.equal(res.status, 200)
  return String(field(res.body, 'token'))
}

void test(
  '100 logins rewrite the sessions file a few times, not 100; all of them survive a restart',
  { timeout: 90_000 },
  async (t) => {
    const cwd = workingDir(t)
    const app = await startDara(t, ENTRY, DEV, cwd)
    // The first login makes the folder; the file is written a second later.
    const tokens = [await login(app)]
    await sleep(1500)
    let writes = 0
    const watcher = watch(join(cwd, '.dara'), (event, name) => {
      if (event === 'rename' && name === 'sessions.json') writes++
    })
    t.after(() => watcher.close())
    for (let i = 1; i < LOGINS; i++) tokens.push(await login(app))
    await sleep(1500)
    watcher.close()
    assert.ok(writes >= 1 && writes <= 10, `${writes} writes for ${LOGINS - 1} logins`)

    await stopDara(app)
    const again = await startDara(t, ENTRY, DEV, cwd)
    for (const token of [tokens[0], tokens[LOGINS - 1]]) {
      const res = await call(`${again.url}/api/whoami`, { headers: bearer(token ?? '') })
      assert.deepEqual([res.status, res.body], [200, 'ada'])
    }
  },
)

void test(
  'killed during a flood of logins, the process leaves a whole snapshot that the next start reads',
  { timeout: 90_000 },
  async (t) => {
    const cwd = workingDir(t)
    const app = await startDara(t, ANONYMOUS, DEV, cwd)
    const early = await login(app)
    await sleep(1500)
    // Logins in flight, 8 at a time, until the kill.
    let flooding = true
    const flood = Array.from({ length: 8 }, async () => {
      while (flooding) await call(`${app.url}/api/auth/session`, { method: 'POST' }).catch(() => 0)
    })
    await sleep(2500)
    app.child.kill('SIGKILL')
    flooding = false
    await Promise.all(flood)

    const text = readFileSync(join(cwd, '.dara', 'sessions.json'), 'utf8')
    const snapshot = JSON.parse(text) as { version: number; sessions: unknown[] }
    assert.equal(snapshot.version, 1)
    assert.ok(snapshot.sessions.length > 1, `${snapshot.sessions.length} sessions saved`)
    const again = await startDara(t, ANONYMOUS, DEV, cwd)
    const res = await call(`${again.url}/api/whoami`, { headers: bearer(early) })
    assert.deepEqual([res.status, res.body], [200, 'user'])
  },
)
