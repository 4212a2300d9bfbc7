// Redis stopped and restarted while clients keep calling: a real redis-server on
// a free loopback port, a `dara start` process sharing sessions through it, and
// 10 clients looping on an authenticated route. While Redis is down every answer
// is a 503 { detail, code } (fail closed), none hangs past its timeout, none is
// a 500; once it is back, 200s resume by themselves.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SECRET } from '../helpers/auth.ts'
import { call, startDara, startRedis } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'

const ENTRY = 'tests/fixtures/redis-app.ts'
/** No request may take longer than this: a hang is a failure, not a slow answer. */
const REQUEST_TIMEOUT_MS = 5000

interface Outcome {
  readonly status: number | 'timeout' | 'error'
  readonly code?: string
}

function whoami(url: string, token: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/whoami`,
      { agent: false, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          let code: string | undefined
          try {
            const body: unknown = JSON.parse(text)
            if (typeof body === 'object' && body !== null && 'code' in body)
              code = String(body.code)
          } catch {
            code = undefined
          }
          resolve({ status: res.statusCode ?? 0, ...(code === undefined ? {} : { code }) })
        })
      },
    )
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      req.destroy()
      resolve({ status: 'timeout' })
    })
    req.on('error', () => resolve({ status: 'error' }))
    req.end()
  })
}

void describe('Redis killed under load', { skip: needs('redis-server') }, () => {
  void test(
    '10 clients looping; Redis stopped for 1.5 s, then restarted: 503 while down, 200 after, no hang, no 500',
    { timeout: 90_000 },
    async (t) => {
      const redis = await startRedis(t)
      const app = await startDara(t, ENTRY, { DARA_REDIS_URL: redis.url, DARA_JWT_SECRET: SECRET })
      const login = await call(`${app.url}/api/auth/session`, {
        method: 'POST',
        json: { username: 'ada', password: 'lovelace' },
      })
      assert.equal(login.status, 200)
      const { token } = login.body as { token: string } // Sound: a 200 login answers a token pair.

      const phase = { now: 'before' as 'before' | 'down' | 'after' }
      const seen: (Outcome & { phase: string })[] = []
      let running = true
      const clients = Array.from({ length: 10 }, async () => {
        while (running) {
          const at = phase.now
          seen.push({ ...(await whoami(app.url, token)), phase: at })
        }
      })

      await sleep(1000)
      phase.now = 'down'
      await redis.stop()
      await sleep(1500)
      await redis.restart()
      phase.now = 'after'
      // Recovery takes a reconnect; keep the load on until 200s are back for a while.
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline) {
        const recent = seen.slice(-20)
        if (recent.length === 20 && recent.every((o) => o.phase === 'after' && o.status === 200))
          break
        await sleep(100)
      }
      running = false
      await Promise.all(clients)

      const tally = new Map<string, number>()
      for (const o of seen) {
        const key = `${o.phase} ${o.status}${o.code ? ` ${o.code}` : ''}`
        tally.set(key, (tally.get(key) ?? 0) + 1)
      }
      console.log(
        `# redis fault: ${seen.length} requests; ${JSON.stringify(Object.fromEntries(tally))}`,
      )

      for (const o of seen) {
        assert.notEqual(o.status, 'timeout', 'a request hung past its timeout')
        assert.notEqual(o.status, 'error', 'a request got no answer')
        if (o.status !== 200) {
          assert.equal(o.status, 503, JSON.stringify(o))
          assert.equal(o.code, 'DARA_ERR_AUTH_STORE_DOWN')
        }
      }
      assert.ok(seen.some((o) => o.phase === 'before' && o.status === 200))
      assert.ok(
        seen.some((o) => o.status === 503),
        'the outage was seen',
      )
      const last = seen.slice(-20)
      assert.ok(
        last.every((o) => o.status === 200),
        `not recovered: ${JSON.stringify(last)}`,
      )
      assert.equal(app.child.exitCode, null, 'the server is still running')
    },
  )
})
