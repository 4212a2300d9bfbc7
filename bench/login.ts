// `npm run bench:login`: what a login costs, by who asks, and how long a right
// password waits behind a burst of wrong ones. Timings cannot be tests (the
// machine is shared), so issue 13's items 2 and 12 are measured here:
// - a hashed user, a plain-password user and an unknown user should cost the
//   same (one scrypt each, as dear as the dearest configured hash);
// - with 200 wrong logins in flight from 200 addresses, a right one should
//   wait for a short queue of password checks, not for all 200 (the rest are
//   turned away at once with 503).
// Costs in process (app.inject); bursts over real sockets, in the order sent.
import { request } from 'node:http'
import { ConfigurationBuilder, createApp, type DaraApp } from 'dara-ts'
import { hashPassword, MultiBasicAuthConfig } from 'dara-ts/auth'
import { describeMachine } from './machine.ts'

const SECRET = 'bench-login-secret-0123456789-abcdefghij'
const ROUNDS = 40
const BURST = 200

function login(app: DaraApp, username: string, password: string, address: string) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/session',
    remoteAddress: address,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
  })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6

function appOf(hashed: string, passwordChecks?: { concurrent: number; queued: number }): DaraApp {
  const config = new ConfigurationBuilder()
  config.addAuth(
    new MultiBasicAuthConfig({
      users: { hashed, plain: 'right-plain' },
      // Counting is not what is measured here.
      loginLimit: { perUserAddress: 100_000, perUser: 100_000, perAddress: 100_000 },
      ...(passwordChecks ? { passwordChecks } : {}),
    }),
  )
  return createApp(config, { logger: false, secret: SECRET, trustProxy: '127.0.0.1' })
}

/** POST /api/auth/session over a connection of its own; the status. */
function post(port: number, username: string, password: string, address: string) {
  const body = JSON.stringify({ username, password })
  return new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/auth/session',
        agent: false,
        // The app trusts this header from the loopback: each request its own address.
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * A burst of wrong logins over sockets, then a right one sent after them that
 * retries on 503 after a second, as Retry-After says.
 */
async function burst(app: DaraApp) {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const started = process.hrtime.bigint()
  const wrong = Array.from({ length: BURST }, (_, i) =>
    post(port, 'hashed', `wrong-${i}`, `10.1.${i >> 8}.${i & 255}`),
  )
  // Once every wrong one has been sent.
  await new Promise((resolve) => setTimeout(resolve, 50))
  const rightStarted = process.hrtime.bigint()
  const right = (async () => {
    let tries = 0
    for (;;) {
      tries++
      const status = await post(port, 'hashed', 'right-hashed', '10.2.0.1')
      if (status !== 503) return { status, ms: ms(rightStarted), tries }
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  })()
  const statuses = await Promise.all(wrong)
  const count = (status: number) => statuses.filter((s) => s === status).length
  return { checked: count(401), busy: count(503), ms: ms(started), right: await right }
}

async function main(): Promise<void> {
  const hashed = await hashPassword('right-hashed')
  const app = appOf(hashed)
  await app.ready()
  const cost: Record<string, number[]> = { hashed: [], plain: [], unknown: [] }
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [kind, username] of [
      ['hashed', 'hashed'],
      ['plain', 'plain'],
      ['unknown', `nobody-${round}`],
    ] as const) {
      const start = process.hrtime.bigint()
      const res = await login(app, username, 'wrong', '10.0.0.1')
      if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode}`)
      // The first round warms up.
      if (round > 0) cost[kind]?.push(ms(start))
    }
  }
  const bounded = await burst(app)
  await app.close()
  // As it was before the bound: every check queued on libuv's pool at once.
  const open = appOf(hashed, { concurrent: 1000, queued: 1000 })
  const unbounded = await burst(open)
  await open.close()

  const machine = describeMachine()
  console.log(`bench:login on ${machine.cpu}, ${machine.nproc} cores, Node ${machine.node}`)
  console.log(`median of ${ROUNDS} wrong logins (scrypt ln=15 for the hashed user):`)
  for (const [kind, values] of Object.entries(cost)) {
    console.log(`  ${kind.padEnd(8)} ${median(values).toFixed(1)} ms`)
  }
  for (const [name, run] of [
    ['default bound (2 at once, 16 waiting)', bounded],
    ['no bound (as before)', unbounded],
  ] as const) {
    const other = BURST - run.checked - run.busy
    console.log(
      `${BURST} wrong logins at once, ${name}: ${run.checked} checked (401), ${run.busy} turned away (503)${other ? `, ${other} other` : ''}, all answered in ${run.ms.toFixed(0)} ms;`,
    )
    console.log(
      `  a right password sent after them (retrying after a 503): ${run.right.status} after ${run.right.ms.toFixed(0)} ms, ${run.right.tries} ${run.right.tries === 1 ? 'try' : 'tries'}`,
    )
  }
}

await main()
