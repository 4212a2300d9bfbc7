// The soak's quick form, run in CI: 2 s of warm-up, then 5 s at 50 connections against `dara start`,
// a request of every route kind. Zero errors the client did not cause (no 5xx,
// no socket error, no timeout; the 4xx are exactly the wrong requests of the
// mix), and RSS at the end within 30% of RSS once warm (in 5 s the heap is still
// sizing itself; the long form is the leak check). The long form, 60 s and
// within 10%, is `npm run soak` (scripts/soak.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startDara } from '../helpers/dara-process.ts'
import { tokenOf } from '../helpers/auth.ts'
import { MIX, soak } from './soak.ts'

void test(
  'soak, quick: 5 s at 50 connections, no error the client did not cause, RSS stable',
  { timeout: 60_000 },
  async (t) => {
    const app = await startDara(t, 'tests/fixtures/every-route.ts')
    const login = await fetch(`${app.url}/api/auth/session`, { method: 'POST' })
    const token = tokenOf(await login.json())
    const pid = app.child.pid
    assert.ok(pid !== undefined)

    const result = await soak({
      url: app.url,
      pid,
      seconds: 5,
      warmupSeconds: 2,
      connections: 50,
      token,
    })
    console.log(`# soak quick: ${JSON.stringify(result)}`)

    assert.equal(result.errors, 0)
    assert.equal(result.timeouts, 0)
    assert.equal(result.byClass['5xx'], 0)
    assert.equal(result.byClass['2xx'] + result.byClass['4xx'], result.requests)
    // Every status is one the mix asks for: the 4xx are the requests it gets wrong on purpose.
    const expected = [...new Set(MIX.map((entry) => String(entry.status)))].sort()
    assert.deepEqual(Object.keys(result.statuses).sort(), expected)
    // Enough requests to have gone through the mix many times; how many a second is
    // the bench's question, and depends on what else the machine runs.
    assert.ok(result.requests > 200, `only ${result.requests} requests in 5 s`)
    assert.ok(
      result.rssMiB.end <= result.rssMiB.warm * 1.3,
      `RSS went from ${result.rssMiB.warm} MiB (warm) to ${result.rssMiB.end} MiB`,
    )
    assert.equal(app.output.stderr, '')
  },
)
