// Issue 13, items 2 and 12: password checks are bounded, and every login pays
// one of them. A burst of logins used to queue every scrypt on libuv's pool,
// so a right password waited behind all of them (25 s seen); now a few run at
// once, a few wait, and the rest are answered 503 at once. A user with a plain
// password and an unknown user now pay one scrypt too, as dear as the hashed
// users' (they took 5 ms against 125 ms): the same gate turns them away in a
// burst, which shows they go through it. Timings themselves are in
// bench/login.ts.
import assert from 'node:assert/strict'
import { before, test, type TestContext } from 'node:test'
import { ConfigurationBuilder, type DaraApp } from 'dara-ts'
import { hashPassword, MultiBasicAuthConfig } from 'dara-ts/auth'
import { buildApp } from '../helpers/auth.ts'

const BUSY = {
  detail: 'Too many logins are being checked at once: try again in a second',
  code: 'DARA_ERR_AUTH_BUSY',
}
const WRONG = { detail: 'Wrong username or password', code: 'DARA_ERR_AUTH_LOGIN_FAILED' }
const BURST = 30
let hashed = ''

before(async () => {
  hashed = await hashPassword('right-hashed', { cost: 14 })
})

function app(t: TestContext, users: Record<string, string>): DaraApp {
  const config = new ConfigurationBuilder()
  config.addAuth(
    new MultiBasicAuthConfig({
      users,
      passwordChecks: { concurrent: 1, queued: 2 },
      loginLimit: { perUserAddress: 1000, perUser: 1000, perAddress: 1000 },
    }),
  )
  return buildApp(t, config)
}

function login(server: DaraApp, username: string, password: string, address: string) {
  return server.inject({
    method: 'POST',
    url: '/api/auth/session',
    remoteAddress: address,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
  })
}

/** A burst of wrong logins for `username`, each from its own address. */
async function burst(server: DaraApp, username: string) {
  const answers = await Promise.all(
    Array.from({ length: BURST }, (_, i) => login(server, username, `wrong-${i}`, `10.2.0.${i}`)),
  )
  const busy = answers.filter((res) => res.statusCode === 503)
  const wrong = answers.filter((res) => res.statusCode === 401)
  assert.equal(busy.length + wrong.length, BURST, 'only 401 and 503')
  for (const res of busy) {
    assert.deepEqual(res.json(), BUSY)
    assert.equal(res.headers['retry-after'], '1')
  }
  for (const res of wrong) assert.deepEqual(res.json(), WRONG)
  return { busy: busy.length, wrong: wrong.length }
}

for (const [kind, username] of [
  ['a hashed password', 'hashed'],
  ['a plain password', 'plain'],
  ['an unknown user', 'nobody'],
] as const) {
  void test(`a burst of logins for ${kind} goes through the bounded scrypt gate`, async (t) => {
    const server = app(t, { hashed, plain: 'right-plain' })
    const { busy, wrong } = await burst(server, username)
    assert.ok(busy > 0, `${wrong} checked, none turned away`)
    // Once the burst is over, the right password is checked at once.
    const right = await login(server, 'hashed', 'right-hashed', '10.3.0.1')
    assert.equal(right.statusCode, 200)
    const plain = await login(server, 'plain', 'right-plain', '10.3.0.2')
    assert.equal(plain.statusCode, 200)
  })
}

void test('with no hashed password there is no scrypt to run, and nothing is turned away', async (t) => {
  const server = app(t, { plain: 'right-plain', other: 'right-other' })
  assert.deepEqual(await burst(server, 'plain'), { busy: 0, wrong: BURST })
})

void test('passwordChecks out of range stop the start', () => {
  for (const [checks, why] of [
    [{ concurrent: 0 }, 'passwordChecks.concurrent must be a whole number from 1 to 1000, got 0'],
    [{ queued: -1 }, 'passwordChecks.queued must be a whole number from 0 to 1000, got -1'],
  ] as const) {
    assert.throws(() => new MultiBasicAuthConfig({ users: { ada: 'x' }, passwordChecks: checks }), {
      message: `DARA_ERR_AUTH_CONFIG_INVALID: Invalid MultiBasicAuthConfig: ${why}`,
    })
  }
})
