// Basic auth, one user or several: plain or hashed passwords, every way a
// login can be wrong with its own answer, the user each config gives USER, and
// configs that are wrong stopping the start.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp, type DaraApp } from 'dara-ts'
import {
  BasicAuthConfig,
  DefaultAuthConfig,
  MultiBasicAuthConfig,
  USER,
  hashPassword,
  verifyPassword,
  type AuthConfig,
} from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { bearer, buildApp, claimsOf } from '../helpers/auth.ts'

const WRONG = { detail: 'Wrong username or password', code: 'DARA_ERR_AUTH_LOGIN_FAILED' }
const MISSING = {
  detail: 'Missing credentials: send the JSON body { "username": "...", "password": "..." }',
  code: 'DARA_ERR_AUTH_LOGIN_MISSING',
}
const malformed = (why: string) => ({
  detail: `Malformed body for POST /api/auth/session: ${why}`,
  code: 'DARA_ERR_AUTH_BODY',
})

function appFor(t: TestContext, auth: AuthConfig): DaraApp {
  const config = new ConfigurationBuilder()
  config.addAuth(auth)
  config.addEndpoint(get('/me', () => USER.get()))
  return buildApp(t, config)
}

function login(app: DaraApp, payload?: unknown, raw?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/session',
    ...(payload === undefined && raw === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          payload: raw ?? JSON.stringify(payload),
        }),
  })
}

async function me(app: DaraApp, payload: unknown): Promise<unknown> {
  const res = await login(app, payload)
  assert.equal(res.statusCode, 200, res.body)
  const { token } = res.json<{ token: string }>()
  return (await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).json()
}

void test('BasicAuthConfig: the right user and password log in; USER is that user', async (t) => {
  const app = appFor(t, new BasicAuthConfig({ username: 'admin', password: 'open sesame' }))
  const res = await login(app, { username: 'admin', password: 'open sesame' })
  assert.equal(res.statusCode, 200)
  assert.equal(claimsOf(res.json<{ token: string }>().token).sub, 'admin')
  assert.deepEqual(await me(app, { username: 'admin', password: 'open sesame' }), {
    identityId: 'admin',
    identityName: 'admin',
    groups: [],
  })
})

void test('every way a login is wrong has its own answer, and none sets a cookie', async (t) => {
  const app = appFor(t, new BasicAuthConfig({ username: 'admin', password: 'open sesame' }))
  const cases: [string, unknown, string | undefined, number, object][] = [
    ['wrong password', { username: 'admin', password: 'open sesame!' }, undefined, 401, WRONG],
    [
      'unknown user: the same answer',
      { username: 'root', password: 'open sesame' },
      undefined,
      401,
      WRONG,
    ],
    ['no body', undefined, undefined, 401, MISSING],
    ['an empty object', {}, undefined, 401, MISSING],
    ['no password', { username: 'admin' }, undefined, 401, MISSING],
    ['an empty password', { username: 'admin', password: '' }, undefined, 401, MISSING],
    ['an array', [], undefined, 400, malformed('send a JSON object, not a JSON array')],
    ['a string', 'admin', undefined, 400, malformed('send a JSON object, not a JSON string')],
    [
      'a number as name',
      { username: 1, password: 'x' },
      undefined,
      400,
      malformed('"username" must be a string'),
    ],
    [
      'an unknown field',
      { username: 'admin', password: 'x', admin: true },
      undefined,
      400,
      malformed('unknown field "admin"'),
    ],
  ]
  for (const [name, payload, raw, status, body] of cases) {
    const res = await login(app, payload, raw)
    assert.equal(res.statusCode, status, name)
    assert.deepEqual(res.json(), body, name)
    assert.equal(res.headers['set-cookie'], undefined, name)
  }
  const broken = await login(app, undefined, '{"username": "admin", ')
  assert.equal(broken.statusCode, 400)
  assert.equal(broken.headers['set-cookie'], undefined)
})

void test('a password may be a hash from hashPassword (dara hash-password)', async (t) => {
  const password = await hashPassword('correct horse', { cost: 10 })
  assert.match(password, /^\$scrypt\$ln=10,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/)
  assert.equal(await verifyPassword('correct horse', password), true)
  assert.equal(await verifyPassword('correct horsE', password), false)
  const app = appFor(t, new BasicAuthConfig({ username: 'ada', password }))
  assert.equal((await login(app, { username: 'ada', password: 'correct horse' })).statusCode, 200)
  const wrong = await login(app, { username: 'ada', password: password })
  assert.deepEqual(wrong.json(), WRONG)
})

void test('MultiBasicAuthConfig: several users, with names, emails and groups', async (t) => {
  const app = appFor(
    t,
    new MultiBasicAuthConfig({
      users: {
        ada: 'analytical',
        grace: {
          password: 'cobol',
          name: 'Grace Hopper',
          email: 'grace@navy.example',
          groups: ['admins'],
        },
      },
    }),
  )
  assert.deepEqual(await me(app, { username: 'ada', password: 'analytical' }), {
    identityId: 'ada',
    identityName: 'ada',
    groups: [],
  })
  assert.deepEqual(await me(app, { username: 'grace', password: 'cobol' }), {
    identityId: 'grace',
    identityName: 'Grace Hopper',
    identityEmail: 'grace@navy.example',
    groups: ['admins'],
  })
  // One user's password is not another's.
  assert.deepEqual((await login(app, { username: 'ada', password: 'cobol' })).json(), WRONG)
})

void test('DefaultAuthConfig logs in anyone, with any body or none', async (t) => {
  const app = appFor(t, new DefaultAuthConfig())
  for (const payload of [undefined, {}, { username: 'x', password: 'y' }]) {
    assert.equal((await login(app, payload)).statusCode, 200)
  }
})

void test('a wrong config stops the start with a message that says what to fix', () => {
  const invalid = (why: string) => ({
    code: 'DARA_ERR_AUTH_CONFIG_INVALID',
    message: `DARA_ERR_AUTH_CONFIG_INVALID: ${why}`,
  })
  assert.throws(
    () => new MultiBasicAuthConfig({ users: {} }),
    invalid('Invalid MultiBasicAuthConfig: it needs at least one user'),
  )
  assert.throws(
    () => new BasicAuthConfig({ username: '', password: 'x' }),
    invalid('Invalid BasicAuthConfig: username is empty'),
  )
  assert.throws(
    () => new BasicAuthConfig({ username: 'a', password: '' }),
    invalid('Invalid BasicAuthConfig: the password of "a" is empty'),
  )
  assert.throws(
    () => new BasicAuthConfig({ username: 'a', password: '$scrypt$ln=15,r=8,p=1$short$x' }),
    invalid(
      'Invalid BasicAuthConfig: the password hash of "a" is not valid: it does not look like $scrypt$ln=<n>,r=<n>,p=<n>$<salt>$<hash>; make one with `dara hash-password`',
    ),
  )
  for (const [options, why] of [
    [{ tokenTtlSeconds: 0 }, 'tokenTtlSeconds must be a positive whole number of seconds, got 0'],
    [
      { sessionTtlSeconds: 1.5 },
      'sessionTtlSeconds must be a positive whole number of seconds, got 1.5',
    ],
    [
      { tokenTtlSeconds: 600, sessionTtlSeconds: 60 },
      'sessionTtlSeconds must be at least tokenTtlSeconds',
    ],
  ] as const) {
    const config = new ConfigurationBuilder()
    config.addAuth(new DefaultAuthConfig(options))
    assert.throws(
      () => createApp(config, { logger: false, secret: 'x'.repeat(32) }),
      invalid(`Invalid DefaultAuthConfig: ${why}`),
    )
  }
})
