// Issue 13, items 4 and 5: revocation survives a restart, and `dara token`
// reaches a running app's memory store. A revoked 30-day script token used to
// work again after a restart of the production memory store, and after Redis
// came back empty; `dara token revoke` refused the memory store. Now a token
// is good only while the store knows its session (fail closed), the memory
// store keeps its sessions in DARA_SESSION_FILE, and `dara token` goes through
// the running app's admin route when the store lives in the app's process.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test, type TestContext } from 'node:test'
import { bearer } from '../helpers/auth.ts'
import {
  call,
  freePort,
  startDara,
  startRedis,
  stopDara,
  type Answer,
} from '../helpers/processes.ts'
import { dara } from '../helpers/run.ts'
import { needs } from '../helpers/system.ts'

const ENTRY = 'examples/api/main.ts'
const SECRET = 'issue-13-revocation-secret-0123456789abcdef'
const REVOKED = {
  detail: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_REVOKED',
}
const LOST = {
  detail:
    "Unknown session: the session store does not know this token's session (the store was emptied or restarted without its data, or the token was made elsewhere); log in again with POST /api/auth/session",
  code: 'DARA_ERR_AUTH_SESSION_LOST',
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'dara-issue-13-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** `dara token create` for ada, valid 30 days; its token and session id. */
async function create(env: Record<string, string>, ...args: string[]) {
  const created = await dara(
    ['token', 'create', ENTRY, '--user', 'ada', '--expires', '30d', ...args],
    env,
  )
  assert.equal(created.code, 0, created.stderr)
  const session = /session ([0-9a-f-]{36})/.exec(created.stderr)?.[1]
  assert.ok(session, created.stderr)
  return { token: created.stdout.trim(), session }
}

async function revoke(env: Record<string, string>, ...args: string[]) {
  const revoked = await dara(['token', 'revoke', ENTRY, ...args], env)
  assert.equal(revoked.code, 0, revoked.stderr)
  return revoked.stderr
}

const greet = (url: string, token: string) =>
  call(`${url}/api/greetings`, { headers: bearer(token) })

void test(
  'memory store with DARA_SESSION_FILE: dara token through the running app; a revoked token stays refused after a restart',
  { timeout: 120_000 },
  async (t) => {
    const dir = tempDir(t)
    const env = {
      NODE_ENV: 'production',
      DARA_JWT_SECRET: SECRET,
      DARA_SESSION_FILE: join(dir, 'sessions.json'),
    }
    const first = await startDara(t, ENTRY, env)
    const cli = { ...env, DARA_URL: first.url }
    const kept = await create(cli)
    const dropped = await create(cli)
    for (const { token } of [kept, dropped]) {
      assert.deepEqual((await greet(first.url, token)).body, { message: 'Hello, ada' })
    }
    assert.equal(
      await revoke(cli, '--session', dropped.session),
      `Session ${dropped.session} revoked: its tokens are refused from now on\n`,
    )
    assert.deepEqual((await greet(first.url, dropped.token)).body, REVOKED)

    await stopDara(first)
    const second = await startDara(t, ENTRY, env)
    assert.deepEqual((await greet(second.url, kept.token)).body, { message: 'Hello, ada' })
    const refused = await greet(second.url, dropped.token)
    assert.equal(refused.status, 401)
    assert.deepEqual(refused.body, REVOKED)

    // Every session of a user at once (item 7): only the one still live counts.
    assert.equal(
      await revoke({ ...env, DARA_URL: second.url }, '--user', 'ada'),
      'User "ada": 1 session revoked; their tokens and cookies are refused from now on\n',
    )
    assert.deepEqual((await greet(second.url, kept.token)).body, REVOKED)
  },
)

void test(
  'memory store without a file: a restart logs everyone out, and says so with its own code',
  { timeout: 90_000 },
  async (t) => {
    const env = { NODE_ENV: 'production', DARA_JWT_SECRET: SECRET }
    const first = await startDara(t, ENTRY, env)
    const { token } = await create({ ...env, DARA_URL: first.url })
    assert.equal((await greet(first.url, token)).status, 200)
    await stopDara(first)
    const second = await startDara(t, ENTRY, env)
    const res = await greet(second.url, token)
    assert.equal(res.status, 401)
    assert.deepEqual(res.body, LOST)
  },
)

void test('dara token with a memory store and no app running says where it looked', async () => {
  const port = await freePort()
  const env = { NODE_ENV: 'production', DARA_JWT_SECRET: SECRET }
  const url = `http://127.0.0.1:${port}`
  const result = await dara(['token', 'revoke', ENTRY, '--user', 'ada', '--url', url], env)
  assert.equal(result.code, 1)
  assert.equal(result.stdout, '')
  assert.equal(
    result.stderr,
    `error DARA_ERR_TOKEN_APP_UNREACHABLE: The app keeps its sessions in the memory of its own process (MemorySessionStore), so this command goes through the running app, and nothing answered at ${url} (connect ECONNREFUSED 127.0.0.1:${port}). Start the app, or give its address with --url (or DARA_URL)\n`,
  )
})

/** Polls until `fn` answers something else than 503: the store is back. */
async function settled(fn: () => Promise<Answer>): Promise<Answer> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const res = await fn()
    if (res.status !== 503) return res
    if (Date.now() > deadline) assert.fail(`still 503: ${JSON.stringify(res.body)}`)
    await sleep(50)
  }
}

void describe('Redis store', { skip: needs('redis-server') }, () => {
  void test(
    'a revoked token stays refused across restarts; after Redis comes back empty every token is refused',
    { timeout: 120_000 },
    async (t) => {
      const redis = await startRedis(t)
      const env = { DARA_REDIS_URL: redis.url, DARA_JWT_SECRET: SECRET, NODE_ENV: 'production' }
      const first = await startDara(t, ENTRY, env)
      const kept = await create(env)
      const dropped = await create(env)
      await revoke(env, '--session', dropped.session)
      assert.deepEqual((await greet(first.url, dropped.token)).body, REVOKED)

      // The app restarts; Redis keeps its data (append-only file).
      await stopDara(first)
      await redis.stop()
      await redis.restart()
      const second = await startDara(t, ENTRY, env)
      assert.deepEqual((await greet(second.url, kept.token)).body, { message: 'Hello, ada' })
      assert.deepEqual((await greet(second.url, dropped.token)).body, REVOKED)

      // Redis comes back without its data: the running process forgets the
      // sessions it had seen (it still remembers the revocation it was told
      // of), and a process started afterwards knows nothing at all. Both
      // refuse both tokens, the revoked one included.
      await redis.restart({ empty: true })
      const third = await startDara(t, ENTRY, env)
      for (const [url, token, body] of [
        [second.url, kept.token, LOST],
        [second.url, dropped.token, REVOKED],
        [third.url, kept.token, LOST],
        [third.url, dropped.token, LOST],
      ] as const) {
        const res = await settled(() => greet(url, token))
        assert.equal(res.status, 401)
        assert.deepEqual(res.body, body)
      }
      // A new token works at once: only what was lost is refused.
      const fresh = await create(env)
      assert.deepEqual((await greet(second.url, fresh.token)).body, { message: 'Hello, ada' })
    },
  )
})
