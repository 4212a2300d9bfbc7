// Many machines, tested for real on loopback: one redis-server, three `dara
// start` processes of one app, and HAProxy in front with the configuration the
// deployment guide ships (deploy/haproxy.cfg: round robin, health checks on
// /api/core/ready). Everything goes through the balancer: a login serves on
// every process, a logout is refused by every process at once, failed logins
// count across processes, a process killed with -9 costs only the requests it
// was answering, and a process stopped with SIGTERM costs none.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { bearer } from '../helpers/auth.ts'
import { call, field } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'
import { HAPROXY, load, startTopology, type Sent } from '../helpers/topology.ts'

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
  const handle = /^dara_session_token=([^;]+);/.exec(String(res.headers['set-cookie']))?.[1]
  assert.ok(handle)
  return { token: String(field(res.body, 'token')), cookie: `dara_session_token=${handle}` }
}

/** How many answers each instance gave. */
function byInstance(sent: readonly Sent[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const one of sent) {
    const key = one.instance ?? 'none'
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

/** Time for the balancer to see a killed process's connections close, on a busy machine. */
const NOTICED_MS = 100

const failed = (sent: readonly Sent[]) => sent.filter((one) => one.status !== 200)

const needed = needs('redis-server') || needs(HAPROXY)

void describe('three processes behind HAProxy, one Redis', { skip: needed }, () => {
  void test('through the load balancer', { timeout: 120_000 }, async (t) => {
    const lb = await startTopology(t, 3)
    const ada = await login(lb.url)

    await t.test('1,000 authenticated requests: each 200, spread over all three', async () => {
      const sent = await load(lb.url, '/api/whoami', bearer(ada.token), 10, 1000).done()
      assert.equal(sent.length, 1000)
      assert.deepEqual(failed(sent), [])
      for (const one of sent) {
        const body = JSON.parse(one.body) as { user: string; instance: string }
        assert.equal(body.user, 'ada')
        assert.equal(body.instance, one.instance)
      }
      const counts = byInstance(sent)
      t.diagnostic(`answers by process: ${JSON.stringify(counts)}`)
      assert.deepEqual(Object.keys(counts).sort(), ['app1', 'app2', 'app3'])
      // Round robin: each gets its third, give or take the requests in flight.
      for (const count of Object.values(counts)) assert.ok(count >= 250, JSON.stringify(counts))
    })

    await t.test(
      'log out through one process: the next request through every process is 401',
      async () => {
        const grace = await login(lb.url, 'grace', 'hopper')
        const out = await call(`${lb.url}/api/auth/revoke-session`, {
          method: 'POST',
          headers: bearer(grace.token),
        })
        assert.equal(out.status, 200)
        const loggedOutBy = String(out.headers['x-instance'])
        for (const headers of [bearer(grace.token), { cookie: grace.cookie }]) {
          const refusedBy = new Set<string>()
          for (let i = 0; i < 30 && refusedBy.size < 3; i++) {
            const res = await call(`${lb.url}/api/whoami`, { headers })
            assert.equal(res.status, 401, JSON.stringify(res.body))
            assert.deepEqual(res.body, REVOKED)
            refusedBy.add(String(res.headers['x-instance']))
          }
          assert.deepEqual([...refusedBy].sort(), ['app1', 'app2', 'app3'])
        }
        t.diagnostic(`logged out through ${loggedOutBy}`)
        // Ada's session is another one: untouched.
        assert.equal(
          (await call(`${lb.url}/api/whoami`, { headers: bearer(ada.token) })).status,
          200,
        )
      },
    )

    await t.test(
      'failed logins count across processes: the 6th wrong password is 429 whichever process gets it',
      async () => {
        const tried = new Set<string>()
        for (let i = 1; i <= 5; i++) {
          const res = await call(`${lb.url}/api/auth/session`, {
            method: 'POST',
            json: { username: 'grace', password: `guess-${i}` },
          })
          assert.equal(res.status, 401, JSON.stringify(res.body))
          tried.add(String(res.headers['x-instance']))
        }
        assert.equal(tried.size, 3, 'the five failures went to all three processes')
        const limitedBy = new Set<string>()
        for (let i = 0; i < 3; i++) {
          const res = await call(`${lb.url}/api/auth/session`, {
            method: 'POST',
            json: { username: 'grace', password: 'hopper' },
          })
          assert.equal(res.status, 429, JSON.stringify(res.body))
          assert.equal(field(res.body, 'code'), 'DARA_ERR_AUTH_RATE_LIMITED')
          assert.match(
            String(field(res.body, 'detail')),
            /^Too many failed logins for this user from this address: try again in \d+ seconds$/,
          )
          assert.match(String(res.headers['retry-after']), /^\d+$/)
          limitedBy.add(String(res.headers['x-instance']))
        }
        assert.deepEqual([...limitedBy].sort(), ['app1', 'app2', 'app3'])
      },
    )

    await t.test(
      'kill -9 one process under load: only requests in flight on it fail, no session is lost; restarted, it takes traffic again',
      async () => {
        const victim = lb.apps[1]
        assert.ok(victim?.child)
        // Each request takes 20 ms, so some are in flight on the victim when it dies.
        const run = load(lb.url, '/api/whoami?ms=20', bearer(ada.token), 9)
        await sleep(700)
        const killedAt = performance.now()
        victim.child.kill('SIGKILL')
        await victim.exited
        await sleep(1500)
        const sent = await run.stop()
        const failures = failed(sent)
        const late = failures.filter((one) => one.start >= killedAt).length
        t.diagnostic(
          `${sent.length} requests, ${failures.length} failed (${failures.map((f) => f.status).join(', ') || 'none'}; ${late} of them sent within ${NOTICED_MS} ms after the kill) of at most 9 in flight`,
        )
        // Those that failed were on their way to the victim when it died: sent before
        // the kill, or just after it, before the balancer saw the connections close
        // (HAProxy reuses idle connections to a server); none later. HAProxy closes
        // the client's kept-alive connection without an answer (what clients retry
        // for idempotent requests) or, on a new one, answers 502.
        for (const one of failures) {
          assert.ok(one.start < killedAt + NOTICED_MS && one.end >= killedAt, JSON.stringify(one))
          assert.ok(one.status === 'ECONNRESET' || one.status === 502, JSON.stringify(one))
        }
        assert.ok(failures.length <= 9)
        const after = sent.filter((one) => one.start > killedAt + NOTICED_MS)
        assert.ok(after.length > 0)
        assert.deepEqual(failed(after), [])
        // The balancer routed around it, and the login still holds everywhere.
        assert.deepEqual(Object.keys(byInstance(after)).sort(), ['app1', 'app3'])
        for (const one of after)
          assert.equal((JSON.parse(one.body) as { user: string }).user, 'ada')

        await lb.restart(victim)
        const deadline = Date.now() + 20_000
        for (;;) {
          const res = await call(`${lb.url}/api/whoami`, { headers: bearer(ada.token) })
          assert.equal(res.status, 200, JSON.stringify(res.body))
          if (res.headers['x-instance'] === victim.name) {
            assert.equal(field(res.body, 'user'), 'ada')
            break
          }
          if (Date.now() > deadline)
            assert.fail(`${victim.name} never came back:\n${lb.haproxyOutput()}`)
          await sleep(50)
        }
      },
    )

    await t.test(
      'SIGTERM to one process under load: 0 failed requests; it leaves the pool, drains and exits 0',
      async () => {
        const leaving = lb.apps[2]
        assert.ok(leaving?.child)
        const run = load(lb.url, '/api/whoami?ms=20', bearer(ada.token), 9)
        await sleep(500)
        const signalledAt = performance.now()
        leaving.child.kill('SIGTERM')
        const exit = await leaving.exited
        const exitedAt = performance.now()
        await sleep(500)
        const sent = await run.stop()
        assert.deepEqual(exit, { code: 0, signal: null }, leaving.output)
        assert.deepEqual(failed(sent), [])
        const during = sent.filter((one) => one.start > signalledAt && one.end < exitedAt)
        t.diagnostic(
          `${sent.length} requests, 0 failed; after SIGTERM ${leaving.name} answered ${byInstance(during)[leaving.name] ?? 0} more before the balancer took it out; exit after ${Math.round(exitedAt - signalledAt)} ms`,
        )
        assert.deepEqual(
          Object.keys(byInstance(sent.filter((one) => one.start > exitedAt))).sort(),
          ['app1', 'app2'],
        )
      },
    )
  })
})
