// Generated bad input: requests a careless or hostile client might send, thrown
// at an app with every kind of route over a real socket, through undici (the
// client inside Node's fetch). Every answer is a 2xx or a 4xx, every error has a
// `{ detail }` body and the security headers, the client sees no socket error
// (a refused body is read away rather than cut off with a reset; bodies past
// the limit are sent slowly, in pieces, which is when a reset hurts), nothing
// pollutes Object.prototype, and the heap does not grow with the number of requests.
//
// CI (CI=true) sends 10,000 requests; elsewhere 2,000, to keep a local run short.
// The seed is printed; replay a failure with DARA_FUZZ_SEED=<seed>, and run more
// with DARA_FUZZ_RUNS=<n>.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import { Agent, request as send } from 'undici'
import { createApp } from 'dara-ts'
import { everyRoute } from '../fixtures/every-route.ts'
import { forgeToken, OTHER_SECRET, SECRET, tokenOf } from '../helpers/auth.ts'
import { request, type GeneratedRequest } from './arbitraries.ts'

const SEED = Number(process.env['DARA_FUZZ_SEED'] ?? 20_261_125)
const RUNS = Number(
  process.env['DARA_FUZZ_RUNS'] ?? (process.env['CI'] === 'true' ? 10_000 : 2_000),
)
/** Heap growth allowed between the warm-up and the end, after a full collection. */
const HEAP_GROWTH_LIMIT = 16 * 1024 * 1024
/** The request after which the heap is measured, once the caches are warm. */
const WARM_UP = Math.min(1000, Math.floor(RUNS / 4))

/** A full collection, so heap figures are comparable. */
function collect(): () => void {
  setFlagsFromString('--expose-gc')
  const gc: unknown = runInNewContext('gc')
  assert.equal(typeof gc, 'function')
  return () => Reflect.apply(gc as () => void, undefined, [])
}

/** Bodies past the body limit go as a slow client sends them: in pieces, with pauses. */
const SLOW_BODY = 1024 * 1024

async function* inPieces(payload: string | Buffer): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(payload)
  for (let sent = 0; sent < bytes.length; sent += 256 * 1024) {
    yield bytes.subarray(sent, sent + 256 * 1024)
    await sleep(1)
  }
}

function describe(r: GeneratedRequest): string {
  const payload =
    r.payload === undefined
      ? '(none)'
      : `${r.payload.length} ${typeof r.payload === 'string' ? 'chars' : 'bytes'}: ${String(r.payload).slice(0, 80)}`
  return `${r.method} ${r.url.slice(0, 120)} ${JSON.stringify(r.headers).slice(0, 300)} body ${payload}`
}

/** The code of a client-side failure: undici's own (UND_ERR_*) or the socket's (ECONNRESET, EPIPE). */
function codeOf(error: unknown): string {
  const cause: unknown = error instanceof Error ? (error.cause ?? error) : error
  return cause instanceof Error && 'code' in cause ? String(cause.code) : String(cause)
}

void test(`${RUNS} generated requests through undici: 2xx or 4xx with { detail }, never a 500, no socket error`, async (t) => {
  console.log(`# fuzz seed ${SEED} (replay: DARA_FUZZ_SEED=${SEED}), ${RUNS} requests`)
  const gc = collect()
  const app = createApp(everyRoute(), { logger: false, secret: SECRET })
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const origin = `http://127.0.0.1:${address.port}`
  // Keep-alive connections, reused from one request to the next: a refused body
  // must leave its connection either usable or cleanly closed.
  const dispatcher = new Agent({ connections: 4, keepAliveTimeout: 10_000 })
  t.after(() => dispatcher.close())

  const session = await send(`${origin}/api/auth/session`, { method: 'POST', dispatcher })
  const handle = /^dara_session_token=([^;]+);/.exec(String(session.headers['set-cookie']))?.[1]
  assert.ok(handle, 'login sets the session cookie')
  const credentials = {
    valid: tokenOf(await session.body.json()),
    cookie: `dara_session_token=${handle}`,
    foreign: await forgeToken({ secret: OTHER_SECRET }),
  }
  const statuses = new Map<number, number>()
  const socketErrors: string[] = []
  let runs = 0
  let heapAfterWarmUp = 0

  await fc.assert(
    fc.asyncProperty(request(credentials), async (r) => {
      let status: number
      let headers: Record<string, string | string[] | undefined>
      let text: string
      try {
        const res = await send(`${origin}${r.url}`, {
          method: r.method,
          headers: r.headers,
          dispatcher,
          ...(r.payload === undefined
            ? {}
            : {
                body: r.payload.length > SLOW_BODY ? Readable.from(inPieces(r.payload)) : r.payload,
              }),
        })
        status = res.statusCode
        headers = res.headers
        text = await res.body.text()
      } catch (error) {
        socketErrors.push(`${codeOf(error)} for ${describe(r)}`)
        runs++
        return
      }
      const where = `${status} for ${describe(r)}\n-> ${text.slice(0, 300)}`
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      assert.ok(status >= 200 && status < 500, where)
      assert.equal(headers['x-content-type-options'], 'nosniff', where)
      assert.equal(headers['x-powered-by'], undefined, where)
      if (status >= 400 && r.method !== 'HEAD') {
        assert.match(String(headers['content-type']), /^application\/json/, where)
        const body: unknown = JSON.parse(text)
        assert.ok(typeof body === 'object' && body !== null && 'detail' in body, where)
        assert.ok(!text.includes('    at '), `a stack trace leaked: ${where}`)
      }
      assert.equal(Reflect.get(Object.prototype, 'polluted'), undefined, where)
      if (++runs === WARM_UP) {
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
    `# fuzz: ${runs} requests; statuses ${summary.join(', ')}; socket errors ${socketErrors.length}; heap growth after warm-up ${(growth / 1048576).toFixed(1)} MiB`,
  )
  assert.deepEqual(socketErrors.slice(0, 10), [], `${socketErrors.length} socket errors`)
  assert.equal(runs, RUNS)
  assert.ok(growth < HEAP_GROWTH_LIMIT, `heap grew by ${growth} bytes`)
  // The run reached the routes and got past them: not all refusals at the door.
  for (const status of [200, 201, 401, 403, 404, 422])
    assert.ok(statuses.has(status), `no ${status}`)
})
