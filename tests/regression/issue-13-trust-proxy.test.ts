// Issue 13, finding 6: with DARA_TRUST_PROXY=true the client address is the
// left-most X-Forwarded-For entry, which the client writes, so a forged header
// reset the per-address login limit on every attempt. A hop count (`1` for one
// proxy) or the proxies' addresses take the entry the proxy appended; `true`
// on an address other machines reach is warned about at start. On real
// sockets, the test playing the proxy that appends the client's address.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp, type AppOptions } from 'dara-ts'
import { MultiBasicAuthConfig } from 'dara-ts/auth'
import { SECRET, manualClock } from '../helpers/auth.ts'

const CLIENT = '203.0.113.7'
const LIMITED = {
  detail: 'Too many failed logins for this address: try again in 30 seconds',
  code: 'DARA_ERR_AUTH_RATE_LIMITED',
}

function withEnv(t: TestContext, name: string, value: string): void {
  const before = process.env[name]
  process.env[name] = value
  t.after(() => {
    if (before === undefined) delete process.env[name]
    else process.env[name] = before
  })
}

function limitedApp(t: TestContext, options: AppOptions = {}) {
  const config = new ConfigurationBuilder()
  config.addAuth(
    new MultiBasicAuthConfig({
      users: { ada: 'right' },
      loginLimit: { perUser: 100, perAddress: 3, windowSeconds: 60 },
    }),
  )
  const app = createApp(config, {
    logger: false,
    secret: SECRET,
    clock: manualClock().now,
    ...options,
  })
  t.after(() => app.close())
  return app
}

/** Logins as they reach the app through a proxy that appends the client's address. */
async function throughProxy(t: TestContext, options: AppOptions = {}) {
  const app = limitedApp(t, options)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  return (username: string, password: string, forwardedFor: string) =>
    fetch(`http://127.0.0.1:${address.port}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ username, password }),
    })
}

/** Three failures from one client, each with a different forged entry, then its right password. */
async function forgedAttempts(login: Awaited<ReturnType<typeof throughProxy>>) {
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) {
    const res = await login(`user${i}`, 'wrong', `10.9.9.${i}, ${CLIENT}`)
    statuses.push(res.status)
  }
  const last = await login('ada', 'right', `10.9.9.99, ${CLIENT}`)
  // Another client behind the same proxy is not affected.
  const other = await login('ada', 'right', `10.9.9.3, 203.0.113.8`)
  return { statuses, last: { status: last.status, body: await last.json() }, other: other.status }
}

for (const [name, options] of [
  ['a hop count (trustProxy: 1)', { trustProxy: 1 }],
  ["the proxy's address (trustProxy: '127.0.0.1')", { trustProxy: '127.0.0.1' }],
  ["a range name (trustProxy: ['loopback'])", { trustProxy: ['loopback'] }],
] satisfies [string, AppOptions][]) {
  void test(`${name}: a forged X-Forwarded-For does not reset the per-address limit`, async (t) => {
    const result = await forgedAttempts(await throughProxy(t, options))
    assert.deepEqual(result, {
      statuses: [401, 401, 401],
      last: { status: 429, body: LIMITED },
      other: 200,
    })
  })
}

void test('DARA_TRUST_PROXY=1 is a hop count, not "trust every hop"', async (t) => {
  withEnv(t, 'DARA_TRUST_PROXY', '1')
  const result = await forgedAttempts(await throughProxy(t))
  assert.deepEqual(result, {
    statuses: [401, 401, 401],
    last: { status: 429, body: LIMITED },
    other: 200,
  })
})

void test('DARA_TRUST_PROXY=2: two proxies, the client is the entry the outer one appended', async (t) => {
  withEnv(t, 'DARA_TRUST_PROXY', '2')
  const login = await throughProxy(t)
  // client forged, client (appended by the outer proxy), outer proxy (appended by the inner one)
  for (let i = 0; i < 3; i++) {
    assert.equal((await login(`u${i}`, 'x', `10.9.9.${i}, ${CLIENT}, 10.0.0.2`)).status, 401)
  }
  const res = await login('ada', 'right', `10.9.9.9, ${CLIENT}, 10.0.0.2`)
  assert.equal(res.status, 429)
  assert.deepEqual(await res.json(), LIMITED)
})

void test('a malformed trustProxy stops the start, naming the option or variable', (t) => {
  const shape =
    'true, the number of proxies in front (1 for one), or their addresses and CIDR ranges, comma-separated'
  assert.throws(() => limitedApp(t, { trustProxy: '10.0.0.0/8, proxy.internal' }), {
    message: `DARA_ERR_SERVER_OPTION_INVALID: trustProxy must be ${shape}, got "proxy.internal"`,
  })
  assert.throws(() => limitedApp(t, { trustProxy: -1 }), {
    message: `DARA_ERR_SERVER_OPTION_INVALID: trustProxy must be ${shape}, got -1`,
  })
  withEnv(t, 'DARA_TRUST_PROXY', 'yes')
  assert.throws(() => limitedApp(t), {
    message: `DARA_ERR_SERVER_OPTION_INVALID: DARA_TRUST_PROXY must be ${shape}, got "yes"`,
  })
})

/** Listens on `host` with a captured log; answers the warnings written. */
async function startWarnings(t: TestContext, host: string, trustProxy: AppOptions['trustProxy']) {
  type Line = { level: number; msg: string; listen?: string[] }
  const lines: Line[] = []
  const app = createApp(new ConfigurationBuilder(), {
    secret: SECRET,
    trustProxy,
    logger: {
      level: 'warn',
      // Sound: pino writes one JSON object per line, with these fields on a warning.
      stream: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
    },
  })
  t.after(() => app.close())
  // No request is sent: the warning is written once the server listens.
  await app.listen({ port: 0, host })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : undefined
  return { port, warnings: lines.filter((l) => l.level === 40) }
}

void test('trustProxy true on an address other machines reach is warned about at start', async (t) => {
  const open = await startWarnings(t, '0.0.0.0', true)
  assert.deepEqual(
    open.warnings.map((w) => [w.listen, w.msg]),
    [
      [
        [`0.0.0.0:${open.port}`],
        `trustProxy is true (DARA_TRUST_PROXY=true) on 0.0.0.0:${open.port}, an address other machines reach: any client can set X-Forwarded-For and X-Forwarded-Proto, choosing its address for the login limits. Set DARA_TRUST_PROXY to the number of proxies in front (1 for one) or to their addresses.`,
      ],
    ],
  )
  // On loopback only a local proxy can connect; a hop count says which entry to take.
  assert.deepEqual((await startWarnings(t, '127.0.0.1', true)).warnings, [])
  assert.deepEqual((await startWarnings(t, '0.0.0.0', 1)).warnings, [])
})
