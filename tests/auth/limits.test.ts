// Brute force and groups: failed logins are limited per user name and per
// client address (429 with Retry-After, on the test clock), and a route's
// `groups` turns away authenticated users outside them with 403.
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
      loginLimit: { perUser: 3, perAddress: 5, windowSeconds: 60 },
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

void test('per user: after 3 failures even the right password waits, with Retry-After', async (t) => {
  const { app, clock } = limitedApp(t)
  for (let i = 0; i < 3; i++) {
    const res = await attempt(app, 'ada', 'wrong', `10.0.0.${i}`)
    assert.equal(res.statusCode, 401)
    assert.deepEqual(res.json(), WRONG)
    if (i < 2) clock.advance(1000)
  }
  const blocked = await attempt(app, 'ada', 'right', '10.0.0.9')
  assert.equal(blocked.statusCode, 429)
  assert.deepEqual(blocked.json(), limited('user', 58))
  assert.equal(blocked.headers['retry-after'], '58')
  // Another user from the same addresses is not affected.
  assert.equal((await attempt(app, 'grace', 'also-right', '10.0.0.1')).statusCode, 200)

  clock.advance(57_999)
  assert.equal((await attempt(app, 'ada', 'right')).statusCode, 429)
  clock.advance(1)
  assert.equal((await attempt(app, 'ada', 'right')).statusCode, 200)
})

void test('per address: 5 failures over any names block that address only', async (t) => {
  const { app } = limitedApp(t)
  const names = ['a', 'b', 'c', 'd', 'e']
  for (const name of names) assert.equal((await attempt(app, name, 'x')).statusCode, 401)
  const blocked = await attempt(app, 'ada', 'right')
  assert.equal(blocked.statusCode, 429)
  assert.deepEqual(blocked.json(), limited('address', 60))
  assert.equal(blocked.headers['retry-after'], '60')
  assert.equal((await attempt(app, 'ada', 'right', '10.0.0.2')).statusCode, 200)
})

void test("a successful login forgets the user's failures", async (t) => {
  const { app } = limitedApp(t)
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 2; i++) {
      assert.equal((await attempt(app, 'ada', 'wrong', `10.1.${round}.${i}`)).statusCode, 401)
    }
    assert.equal((await attempt(app, 'ada', 'right', `10.1.${round}.9`)).statusCode, 200)
  }
  assert.equal((await attempt(app, 'ada', 'wrong', '10.1.9.1')).statusCode, 401)
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
