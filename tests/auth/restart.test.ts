// `dara start` in development, restarted (as --reload does): with no
// DARA_JWT_SECRET, the generated secret and the sessions are kept under .dara/
// in the working directory, so tokens, cookies, refresh tokens and logouts all
// survive the restart.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { bearer } from '../helpers/auth.ts'
import { ROOT, call, field, startDara, stopDara } from '../helpers/processes.ts'

const ENTRY = join(ROOT, 'tests', 'fixtures', 'redis-app.ts')
const DEV = { DARA_JWT_SECRET: '', DARA_REDIS_URL: '', NODE_ENV: 'development' }

void test(
  'a development restart logs nobody out, and keeps logouts',
  { timeout: 90_000 },
  async (t) => {
    const cwd = mkdtempSync(join(tmpdir(), 'dara-restart-'))
    t.after(() => rmSync(cwd, { recursive: true, force: true }))

    const first = await startDara(t, ENTRY, DEV, cwd)
    const login = async (url: string) => {
      const res = await call(`${url}/api/auth/session`, {
        method: 'POST',
        json: { username: 'ada', password: 'lovelace' },
      })
      assert.equal(res.status, 200)
      const handle = /^dara_session_token=([^;]+);/.exec(String(res.headers['set-cookie']))?.[1]
      return {
        token: String(field(res.body, 'token')),
        refreshToken: String(field(res.body, 'refreshToken')),
        cookie: `dara_session_token=${handle}`,
      }
    }
    const kept = await login(first.url)
    const dropped = await login(first.url)
    const out = await call(`${first.url}/api/auth/revoke-session`, {
      method: 'POST',
      headers: bearer(dropped.token),
    })
    assert.equal(out.status, 200)
    await stopDara(first)

    assert.equal(statSync(join(cwd, '.dara', 'secret')).mode & 0o777, 0o600)
    assert.equal(statSync(join(cwd, '.dara', 'sessions.json')).mode & 0o777, 0o600)
    const saved = readFileSync(join(cwd, '.dara', 'sessions.json'), 'utf8')
    // Only digests are written: neither the cookie handle nor the refresh token.
    assert.ok(!saved.includes(kept.cookie.split('=')[1] ?? '-'))
    assert.ok(!saved.includes(kept.refreshToken))

    const second = await startDara(t, ENTRY, DEV, cwd)
    const whoami = (headers: Record<string, string>) =>
      call(`${second.url}/api/whoami`, { headers })
    assert.deepEqual((await whoami(bearer(kept.token))).body, 'ada')
    assert.deepEqual((await whoami({ cookie: kept.cookie })).body, 'ada')
    for (const headers of [bearer(dropped.token), { cookie: dropped.cookie }]) {
      const res = await whoami(headers)
      assert.equal(res.status, 401)
      assert.equal(field(res.body, 'code'), 'DARA_ERR_AUTH_REVOKED')
    }
    const refreshed = await call(`${second.url}/api/auth/refresh-token`, {
      method: 'POST',
      json: { refreshToken: kept.refreshToken },
    })
    assert.equal(refreshed.status, 200)
  },
)
