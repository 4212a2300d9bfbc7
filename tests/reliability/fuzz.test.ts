// Generated bad input: 10,000 requests a careless or hostile client might send,
// thrown at an app with every kind of route. Every answer is a 2xx or a 4xx,
// every error has a `{ detail }` body and the security headers, nothing pollutes
// Object.prototype, and the heap does not grow with the number of requests.
//
// The seed is printed; replay a failure with DARA_FUZZ_SEED=<seed>, and run more
// with DARA_FUZZ_RUNS=<n>.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import { createApp } from 'dara-ts'
import { everyRoute } from '../fixtures/every-route.ts'
import { forgeToken, OTHER_SECRET, SECRET, tokenOf } from '../helpers/auth.ts'
import { request, type GeneratedRequest } from './arbitraries.ts'

const SEED = Number(process.env['DARA_FUZZ_SEED'] ?? 20_261_125)
const RUNS = Number(process.env['DARA_FUZZ_RUNS'] ?? 10_000)
/** Heap growth allowed between the warm-up and the end, after a full collection. */
const HEAP_GROWTH_LIMIT = 16 * 1024 * 1024

/** A full collection, so heap figures are comparable. */
function collect(): () => void {
  setFlagsFromString('--expose-gc')
  const gc: unknown = runInNewContext('gc')
  assert.equal(typeof gc, 'function')
  return () => Reflect.apply(gc as () => void, undefined, [])
}

function describe(r: GeneratedRequest): string {
  const payload =
    r.payload === undefined
      ? '(none)'
      : `${r.payload.length} ${typeof r.payload === 'string' ? 'chars' : 'bytes'}: ${String(r.payload).slice(0, 80)}`
  return `${r.method} ${r.url.slice(0, 120)} ${JSON.stringify(r.headers).slice(0, 300)} body ${payload}`
}

void test(`${RUNS} generated requests: 2xx or 4xx with { detail }, never a 500`, async (t) => {
  console.log(`# fuzz seed ${SEED} (replay: DARA_FUZZ_SEED=${SEED}), ${RUNS} requests`)
  const gc = collect()
  const app = createApp(everyRoute(), { logger: false, secret: SECRET })
  t.after(() => app.close())
  const session = await app.inject({ method: 'POST', url: '/api/auth/session' })
  const handle = /^dara_session_token=([^;]+);/.exec(String(session.headers['set-cookie']))?.[1]
  assert.ok(handle, 'login sets the session cookie')
  const credentials = {
    valid: tokenOf(session.json()),
    cookie: `dara_session_token=${handle}`,
    foreign: await forgeToken({ secret: OTHER_SECRET }),
  }
  const statuses = new Map<number, number>()
  let runs = 0
  let heapAfterWarmUp = 0

  await fc.assert(
    fc.asyncProperty(request(credentials), async (r) => {
      const res = await app.inject({
        method: r.method,
        url: r.url,
        headers: r.headers,
        ...(r.payload === undefined ? {} : { payload: r.payload }),
      })
      const where = `${res.statusCode} for ${describe(r)}\n-> ${res.body.slice(0, 300)}`
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      assert.ok(res.statusCode >= 200 && res.statusCode < 500, where)
      assert.equal(res.headers['x-content-type-options'], 'nosniff', where)
      assert.equal(res.headers['x-powered-by'], undefined, where)
      if (res.statusCode >= 400 && r.method !== 'HEAD') {
        assert.match(String(res.headers['content-type']), /^application\/json/, where)
        const body: unknown = JSON.parse(res.body)
        assert.ok(typeof body === 'object' && body !== null && 'detail' in body, where)
        assert.ok(!res.body.includes('    at '), `a stack trace leaked: ${where}`)
      }
      assert.equal(Reflect.get(Object.prototype, 'polluted'), undefined, where)
      if (++runs === 1000) {
        gc()
        heapAfterWarmUp = process.memoryUsage().heapUsed
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
  )

  gc()
  const growth = process.memoryUsage().heapUsed - heapAfterWarmUp
  const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`)
  console.log(
    `# fuzz: ${runs} requests; statuses ${summary.join(', ')}; heap growth after warm-up ${(growth / 1048576).toFixed(1)} MiB`,
  )
  assert.equal(runs, RUNS)
  assert.ok(growth < HEAP_GROWTH_LIMIT, `heap grew by ${growth} bytes`)
  // The run reached the routes and got past them: not 10,000 refusals at the door.
  for (const status of [200, 201, 401, 403, 404, 422])
    assert.ok(statuses.has(status), `no ${status}`)
})
