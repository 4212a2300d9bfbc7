// Failed logins and groups: failed logins are counted per user name and
// address, per user name and per address, before the password is checked;
// past each bound attempts wait a growing delay (429 with Retry-After, on the
// test clock) rather than a lockout. A route's `groups` turns away
// authenticated users outside them with 403.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp, type DaraApp } from 'dara-ts'
import { MultiBasicAuthConfig } from 'dara-ts/auth'
import { get, post } from 'dara-ts/http'
import { NamedAuth, SECRET, bearer, buildApp, manualClock } from '../helpers/auth.ts'

const WRONG = { detail: 'Wrong username or password', code: 'DARA_ERR_AUTH_LOGIN_FAILED' }
const limited = (what: string, seconds: number) => ({
  detail: `Too many failed logins for this ${what}: try again in ${seconds} seconds`,
  code: 'DARA_ERR_AUTH_RATE_LIMITED',
})

function limitedApp(t: TestContext) {
  const clock = manualClock()
  const config = new ConfigurationBuilder()
  config.addAuth(
    new MultiBasicAuthConfig({
      users: { ada: 'right', grace: 'also-right' },
      loginLimit: {
        perUserAddress: 3,
        perUser: 6,
        perAddress: 5,
        delaySeconds: 10,
        maxDelaySeconds: 40,
        windowSeconds: 600,
      },
    }),
  )
  const app = buildApp(t, config, SECRET, { clock: clock.now })
  return { app, clock }
}

function attempt(app: DaraApp, username: string, password: string, address = '10.0.0.1') {
  return app.inject({
    method: 'POST',
    url: '/api/auth/session',
    remoteAddress: address,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
  })
}

async function expectLimited(
  app: DaraApp,
  request: [string, string, string],
  what: string,
  seconds: number,
): Promise<void> {
  const res = await attempt(app, ...request)
  assert.equal(res.statusCode, 429, res.body)
  assert.deepEqual(res.json(), limited(what, seconds))
  assert.equal(res.headers['retry-after'], String(seconds))
}

void test('per user and address: that address waits a delay that doubles; the user elsewhere does not', async (t) => {
  const { app, clock } = limitedApp(t)
  for (let i = 0; i < 3; i++) {
    const res = await attempt(app, 'ada', 'wrong')
    assert.equal(res.statusCode, 401)
    assert.deepEqual(res.json(), WRONG)
  }
  // Even the right password waits, from this address only.
  await expectLimited(app, ['ada', 'right', '10.0.0.1'], 'user from this address', 10)
  assert.equal((await attempt(app, 'ada', 'right', '10.0.0.2')).statusCode, 200)

  // Each further failure doubles the wait, up to maxDelaySeconds.
  for (const wait of [10, 20, 40, 40]) {
    clock.advance(wait * 1000 - 1)
    await expectLimited(app, ['ada', 'wrong', '10.0.0.1'], 'user from this address', 1)
    clock.advance(1)
    assert.equal((await attempt(app, 'ada', 'wrong')).statusCode, 401)
  }
  await expectLimited(app, ['ada', 'wrong', '10.0.0.1'], 'user from this address', 40)
})

void test('per user: failures from many addresses slow the user down everywhere, but never lock them out', async (t) => {
  const { app, clock } = limitedApp(t)
  for (const address of ['10.1.0.1', '10.1.0.2', '10.1.0.3']) {
    for (let i = 0; i < 2; i++) {
      assert.equal((await attempt(app, 'ada', 'guess', address)).statusCode, 401)
    }
  }
  await expectLimited(app, ['ada', 'right', '10.9.9.9'], 'user', 10)
  // Another user from the same addresses is not affected.
  assert.equal((await attempt(app, 'grace', 'also-right', '10.1.0.1')).statusCode, 200)
  clock.advance(10_000)
  assert.equal((await attempt(app, 'ada', 'right', '10.9.9.9')).statusCode, 200)
})

void test('per address: 5 failures over any names make that address wait, no other', async (t) => {
  const { app } = limitedApp(t)
  const names = ['a', 'b', 'c', 'd', 'e']
  for (const name of names) assert.equal((await attempt(app, name, 'x')).statusCode, 401)
  await expectLimited(app, ['ada', 'right', '10.0.0.1'], 'address', 10)
  assert.equal((await attempt(app, 'ada', 'right', '10.0.0.2')).statusCode, 200)
})

void test('a successful login forgets the failures of its user from its address', async (t) => {
  const { app } = limitedApp(t)
  // Without forgetting, the fourth failure of ada from this address would wait.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 2; i++) {
      assert.equal((await attempt(app, 'ada', 'wrong')).statusCode, 401)
    }
    assert.equal((await attempt(app, 'ada', 'right')).statusCode, 200)
  }
})

void test('missing credentials do not count as failures', async (t) => {
  const { app } = limitedApp(t)
  for (let i = 0; i < 8; i++) {
    assert.equal((await attempt(app, 'ada', '')).statusCode, 401)
  }
  assert.equal((await attempt(app, 'ada', 'right')).statusCode, 200)
})

function groupsApp(t: TestContext) {
  const calls = { admin: 0 }
  const config = new ConfigurationBuilder()
  config.addAuth(new GroupAuth())
  config.addEndpoint(
    get('/admin', { groups: ['admins', 'owners'] }, () => {
      calls.admin++
      return 'admin area'
    }),
  )
  return { app: buildApp(t, config), calls }
}

/** `{ name, groups }` logs in as that name, in those groups. */
class GroupAuth extends NamedAuth {
  override authenticate(body: unknown) {
    const user = super.authenticate(body)
    const groups =
      typeof body === 'object' && body !== null && 'groups' in body && Array.isArray(body.groups)
        ? body.groups.map(String)
        : []
    return { ...user, groups }
  }
}

async function tokenOf(app: DaraApp, body: unknown): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/session',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  })
  return res.json<{ token: string }>().token
}

void test('options.groups: members of any listed group pass, others get 403', async (t) => {
  const { app, calls } = groupsApp(t)
  for (const groups of [['admins'], ['owners', 'x'], ['admins', 'owners']]) {
    const token = await tokenOf(app, { name: 'ada', groups })
    const res = await app.inject({ method: 'GET', url: '/api/admin', headers: bearer(token) })
    assert.equal(res.statusCode, 200, groups.join())
    assert.equal(res.json(), 'admin area')
  }
  for (const groups of [[], ['users'], ['Admins']]) {
    const token = await tokenOf(app, { name: 'bob', groups })
    const res = await app.inject({ method: 'GET', url: '/api/admin', headers: bearer(token) })
    assert.equal(res.statusCode, 403, groups.join())
    assert.deepEqual(res.json(), {
      detail: 'Forbidden: GET /api/admin is for members of "admins" or "owners"',
      code: 'DARA_ERR_AUTH_FORBIDDEN',
    })
  }
  const anonymous = await app.inject({ method: 'GET', url: '/api/admin' })
  assert.equal(anonymous.statusCode, 401)
  assert.equal(calls.admin, 3)
})

void test('groups on a public route, or an empty list, stop the start', () => {
  for (const [options, why] of [
    [
      { authenticated: false, groups: ['admins'] },
      '`groups` needs an authenticated route; remove `authenticated: false` or the groups',
    ],
    [{ groups: [] }, '`groups` must be a non-empty list of group names'],
  ] as const) {
    const config = new ConfigurationBuilder()
    config.addEndpoint(post('/x', options, () => 'x'))
    assert.throws(() => createApp(config, { logger: false, secret: SECRET }), {
      code: 'DARA_ERR_ROUTE_INVALID',
      message: `DARA_ERR_ROUTE_INVALID: POST /x: ${why}`,
    })
  }
})
