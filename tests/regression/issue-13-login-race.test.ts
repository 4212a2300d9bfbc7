// Issue 13, item 2: 200 wrong-password logins for one user sent at once got
// 192 passwords checked, because the failure count was read before the check
// and written after it. Now each attempt is reserved, atomically, before its
// password is checked: whatever the concurrency, in one process or in two
// sharing one Redis, only the limit's worth are checked (401) and the rest
// wait (429).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { MultiBasicAuthConfig } from 'dara-ts/auth'
import { buildApp } from '../helpers/auth.ts'
import { call, field, startDara, startRedis } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'

const ATTEMPTS = 200

/** How many answers of each status. */
function tally(statuses: readonly number[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1
  return counts
}

void test('memory store: 200 parallel wrong logins for one user, 5 checked', async (t) => {
  const config = new ConfigurationBuilder()
  config.addAuth(new MultiBasicAuthConfig({ users: { ada: 'lovelace' } }))
  const app = buildApp(t, config)
  const answers = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/session',
        remoteAddress: '10.0.0.1',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'ada', password: `guess-${i}` }),
      }),
    ),
  )
  assert.deepEqual(tally(answers.map((res) => res.statusCode)), { 401: 5, 429: ATTEMPTS - 5 })
  const refused = answers.find((res) => res.statusCode === 429)
  assert.deepEqual(refused?.json(), {
    detail: 'Too many failed logins for this user from this address: try again in 30 seconds',
    code: 'DARA_ERR_AUTH_RATE_LIMITED',
  })
  assert.equal(refused?.headers['retry-after'], '30')

  // From 200 addresses at once, the bound per user holds the same way: 50.
  const spread = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/session',
        remoteAddress: `10.1.${i >> 8}.${i & 255}`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'ada', password: `spread-${i}` }),
      }),
    ),
  )
  // 5 of the user's failures are already counted: 45 more are checked.
  assert.deepEqual(tally(spread.map((res) => res.statusCode)), { 401: 45, 429: ATTEMPTS - 45 })
})

void describe('Redis store, two processes', { skip: needs('redis-server') }, () => {
  void test(
    '200 parallel wrong logins for one user over two processes: 5 checked in all',
    { timeout: 90_000 },
    async (t) => {
      const redis = await startRedis(t)
      const env = {
        DARA_REDIS_URL: redis.url,
        DARA_JWT_SECRET: 'issue-13-login-race-secret-0123456789',
      }
      const entry = 'tests/fixtures/redis-app.ts'
      const [a, b] = await Promise.all([startDara(t, entry, env), startDara(t, entry, env)])
      const answers = await Promise.all(
        Array.from({ length: ATTEMPTS }, (_, i) =>
          call(`${i % 2 ? a.url : b.url}/api/auth/session`, {
            method: 'POST',
            json: { username: 'grace', password: `guess-${i}` },
          }),
        ),
      )
      assert.deepEqual(tally(answers.map((res) => res.status)), { 401: 5, 429: ATTEMPTS - 5 })
      for (const res of answers) {
        const code = field(res.body, 'code')
        assert.equal(
          code,
          res.status === 401 ? 'DARA_ERR_AUTH_LOGIN_FAILED' : 'DARA_ERR_AUTH_RATE_LIMITED',
        )
      }
      // Another user is not held up.
      const ada = await call(`${a.url}/api/auth/session`, {
        method: 'POST',
        json: { username: 'ada', password: 'lovelace' },
      })
      assert.equal(ada.status, 200)
    },
  )
})
