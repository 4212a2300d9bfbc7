// Several processes, one Redis: a real redis-server on a free loopback port and
// two `dara start` processes with DARA_REDIS_URL. A session opened on one works
// on the other, by token and by cookie; a logout on one is refused on the other
// at once; with Redis stopped, sessions fail closed with 503, and they come
// back by themselves when it is restarted.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SECRET, bearer } from '../helpers/auth.ts'
import { call, field, startDara, startRedis, type Answer } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'

const ENTRY = 'tests/fixtures/redis-app.ts'
const REVOKED = {
  detail: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
  code: 'DARA_ERR_AUTH_REVOKED',
}

async function login(url: string, username = 'ada', password = 'lovelace') {
  const res = await call(`${url}/api/auth/session`, {
    method: 'POST',
    json: { username, password },
  })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  const setCookie = String(res.headers['set-cookie'])
  const handle = /^dara_session_token=([^;]+);/.exec(setCookie)?.[1]
  assert.ok(handle)
  return {
    token: String(field(res.body, 'token')),
    refreshToken: String(field(res.body, 'refreshToken')),
    cookie: `dara_session_token=${handle}`,
  }
}

const whoami = (url: string, headers: Record<string, string>) =>
  call(`${url}/api/whoami`, { headers })

/** Polls `fn` until it answers `status`, for recovery that takes a reconnect; fails after 15 s. */
async function until(status: number, fn: () => Promise<Answer>): Promise<Answer> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const res = await fn()
    if (res.status === status) return res
    if (Date.now() > deadline) assert.fail(`still ${res.status}: ${JSON.stringify(res.body)}`)
    await sleep(50)
  }
}

void describe('sessions shared through Redis', { skip: needs('redis-server') }, () => {
  void test(
    'two processes: log in on one, call on the other; logout on one is refused on both',
    { timeout: 90_000 },
    async (t) => {
      const redis = await startRedis(t)
      const env = { DARA_REDIS_URL: redis.url, DARA_JWT_SECRET: SECRET }
      const [a, b] = await Promise.all([startDara(t, ENTRY, env), startDara(t, ENTRY, env)])

      const ada = await login(a.url)
      // By token and by cookie, on the process that did not see the login.
      assert.deepEqual((await whoami(b.url, bearer(ada.token))).body, 'ada')
      assert.deepEqual((await whoami(b.url, { cookie: ada.cookie })).body, 'ada')
      const grace = await login(b.url, 'grace', 'hopper')
      assert.deepEqual((await whoami(a.url, bearer(grace.token))).body, 'grace')

      // Logout on A; B, which has both the token and the cookie cached, refuses them at once.
      const out = await call(`${a.url}/api/auth/revoke-session`, {
        method: 'POST',
        headers: bearer(ada.token),
      })
      assert.equal(out.status, 200)
      for (const headers of [bearer(ada.token), { cookie: ada.cookie }]) {
        for (const url of [b.url, a.url]) {
          const res = await whoami(url, headers)
          assert.equal(res.status, 401, `${url} ${Object.keys(headers).join()}`)
          assert.deepEqual(res.body, REVOKED)
        }
      }
      assert.deepEqual((await whoami(b.url, bearer(grace.token))).body, 'grace')

      // Refresh on B, reuse on A: the session ends on both.
      const next = await call(`${b.url}/api/auth/refresh-token`, {
        method: 'POST',
        json: { refreshToken: grace.refreshToken },
      })
      assert.equal(next.status, 200)
      const reused = await call(`${a.url}/api/auth/refresh-token`, {
        method: 'POST',
        json: { refreshToken: grace.refreshToken },
      })
      assert.equal(reused.status, 401)
      assert.equal(field(reused.body, 'code'), 'DARA_ERR_AUTH_REFRESH_REUSED')
      const fresh = String(field(next.body, 'token'))
      for (const url of [a.url, b.url]) {
        assert.deepEqual((await whoami(url, bearer(fresh))).body, REVOKED)
      }

      // Failed logins count across processes: 5 on A for one name block it on B.
      for (let i = 0; i < 5; i++) {
        const res = await call(`${a.url}/api/auth/session`, {
          method: 'POST',
          json: { username: 'grace', password: `guess-${i}` },
        })
        assert.equal(res.status, 401)
      }
      const blocked = await call(`${b.url}/api/auth/session`, {
        method: 'POST',
        json: { username: 'grace', password: 'hopper' },
      })
      assert.equal(blocked.status, 429)
      assert.match(String(blocked.headers['retry-after']), /^\d+$/)
    },
  )

  void test(
    'Redis stopped: 503 on every process; restarted: it works again by itself',
    { timeout: 90_000 },
    async (t) => {
      const redis = await startRedis(t)
      const env = { DARA_REDIS_URL: redis.url, DARA_JWT_SECRET: SECRET }
      const [a, b] = await Promise.all([startDara(t, ENTRY, env), startDara(t, ENTRY, env)])
      const kept = await login(a.url)
      const dropped = await login(a.url)
      await call(`${a.url}/api/auth/revoke-session`, {
        method: 'POST',
        headers: bearer(dropped.token),
      })
      assert.deepEqual((await whoami(b.url, bearer(kept.token))).body, 'ada')

      await redis.stop()
      for (const url of [a.url, b.url]) {
        const res = await until(503, () => whoami(url, bearer(kept.token)))
        assert.match(
          String(field(res.body, 'detail')),
          /^Session store unavailable \(Redis: .+\): requests that need a session are refused until it is back; retry shortly$/,
        )
        assert.equal(field(res.body, 'code'), 'DARA_ERR_AUTH_STORE_DOWN')
        assert.equal((await whoami(url, { cookie: kept.cookie })).status, 503)
        const signIn = await call(`${url}/api/auth/session`, {
          method: 'POST',
          json: { username: 'ada', password: 'lovelace' },
        })
        assert.equal(signIn.status, 503)
      }

      await redis.restart()
      for (const url of [a.url, b.url]) {
        assert.deepEqual((await until(200, () => whoami(url, bearer(kept.token)))).body, 'ada')
        assert.deepEqual((await whoami(url, { cookie: kept.cookie })).body, 'ada')
        // What was revoked before the outage is still refused after it.
        assert.deepEqual((await whoami(url, bearer(dropped.token))).body, REVOKED)
      }
      assert.equal((await login(b.url)).cookie.length > 20, true)
    },
  )
})
