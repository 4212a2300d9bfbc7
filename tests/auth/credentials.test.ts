// How a caller proves who it is: POST /api/auth/session hands out a token, every
// endpoint needs it unless it says `authenticated: false`, and each way a token
// can be wrong gets a 401 with its own body, never a 500.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { decodeProtectedHeader, jwtVerify } from 'jose'
import { ConfigurationBuilder, type AppOptions, type DaraApp } from 'dara-ts'
import {
  DefaultAuthConfig,
  MemorySessionStore,
  USER,
  AuthConfig,
  type UserData,
} from 'dara-ts/auth'
import { del, dependency, get, HttpError, patch, post, put } from 'dara-ts/http'
import { z } from 'zod'
import {
  OTHER_SECRET,
  SECRET,
  bearer,
  buildApp,
  claimsOf,
  forgeToken,
  login,
  manualClock,
  sessionClaims,
  unsecuredToken,
} from '../helpers/auth.ts'

const CHALLENGE = 'Bearer realm="dara"'
const INVALID_TOKEN = 'Bearer realm="dara", error="invalid_token"'

const NO_CREDENTIALS = {
  detail:
    'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
  code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
}
const scheme = (name: string) => ({
  detail: `Wrong authentication scheme "${name}": send "Authorization: Bearer <token>"`,
  code: 'DARA_ERR_AUTH_SCHEME',
})
const MALFORMED = {
  detail: 'Malformed token: the Bearer value is not a JSON Web Token',
  code: 'DARA_ERR_AUTH_MALFORMED',
}
const invalid = (why: string) => ({
  detail: `Invalid token: ${why}`,
  code: 'DARA_ERR_AUTH_INVALID',
})
const SESSION_LOST = {
  detail:
    "Unknown session: the session store does not know this token's session (the store was emptied or restarted without its data, or the token was made elsewhere); log in again with POST /api/auth/session",
  code: 'DARA_ERR_AUTH_SESSION_LOST',
}
const EXPIRED = {
  detail: 'Token expired: get a new one from POST /api/auth/session',
  code: 'DARA_ERR_AUTH_EXPIRED',
}

/** One app with a counted authenticated route, for the failure table. */
function countedApp(t: TestContext, secret = SECRET) {
  const calls = { handler: 0 }
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/secret', () => {
      calls.handler++
      return 'secret'
    }),
  )
  return { app: buildApp(t, config, secret), calls }
}

void test('POST /api/auth/session answers 200 { token, refreshToken, expiresIn }: an HS256 JWT of this app', async (t) => {
  const app = buildApp(t, new ConfigurationBuilder())
  const res = await app.inject({ method: 'POST', url: '/api/auth/session' })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  const body = res.json<{ token: string; refreshToken: string; expiresIn: number }>()
  assert.deepEqual(Object.keys(body), ['token', 'refreshToken', 'expiresIn'])
  assert.equal(body.expiresIn, 900)
  assert.match(body.refreshToken, /^[0-9a-f-]{36}\.[\w-]{43}$/)
  assert.equal(decodeProtectedHeader(body.token).alg, 'HS256')

  const { payload } = await jwtVerify(body.token, new TextEncoder().encode(SECRET), {
    issuer: 'dara-ts',
    algorithms: ['HS256'],
  })
  const { sid, iat, exp, ...rest } = payload
  assert.deepEqual(rest, { sub: 'user', name: 'user', groups: [], iss: 'dara-ts' })
  assert.match(String(sid), /^[0-9a-f-]{36}$/)
  assert.equal(typeof iat, 'number')
  assert.equal(Number(exp) - Number(iat), new DefaultAuthConfig().tokenTtlSeconds)
  assert.equal(Number(exp) - Number(iat), 15 * 60)
  assert.equal(String(sid), body.refreshToken.split('.')[0])
})

void test('each login opens a session of its own', async (t) => {
  const app = buildApp(t, new ConfigurationBuilder())
  const sessions = new Set<string>()
  for (let i = 0; i < 5; i++) sessions.add(claimsOf(await login(app)).sid)
  assert.equal(sessions.size, 5)
})

void test('a login the auth config refuses gets its HttpError and no token', async (t) => {
  class OnlyAda extends AuthConfig {
    authenticate(body: unknown): UserData {
      if (JSON.stringify(body) !== '{"name":"ada"}') throw new HttpError(401, 'Unknown user')
      return { identityId: 'ada', identityName: 'Ada', groups: [] }
    }
  }
  const config = new ConfigurationBuilder()
  config.addAuth(new OnlyAda())
  const app = buildApp(t, config)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/session',
    payload: { name: 'bob' },
  })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), { detail: 'Unknown user' })
  assert.equal(claimsOf(await login(app, { name: 'ada' })).sub, 'ada')
})

void test('every method helper is authenticated by default', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/r', () => 'get'))
  config.addEndpoint(post('/r', {}, () => 'post'))
  config.addEndpoint(put('/r', { summary: 'no auth option' }, () => 'put'))
  config.addEndpoint(patch('/r', { authenticated: true }, () => 'patch'))
  config.addEndpoint(del('/r', () => 'delete'))
  const app = buildApp(t, config)
  const token = await login(app)
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    const refused = await app.inject({ method, url: '/api/r' })
    assert.equal(refused.statusCode, 401, method)
    assert.deepEqual(refused.json(), NO_CREDENTIALS, method)
    const ok = await app.inject({ method, url: '/api/r', headers: bearer(token) })
    assert.equal(ok.statusCode, 200, method)
    assert.equal(ok.json(), method === 'DELETE' ? 'delete' : method.toLowerCase())
  }
})

void test('the Bearer scheme is case-insensitive, and a token is read past extra spaces', async (t) => {
  const { app, calls } = countedApp(t)
  const token = await login(app)
  for (const authorization of [`bearer ${token}`, `BEARER ${token}`, `Bearer   ${token}`]) {
    const res = await app.inject({ method: 'GET', url: '/api/secret', headers: { authorization } })
    assert.equal(res.statusCode, 200, authorization.slice(0, 12))
  }
  assert.equal(calls.handler, 3)
})

interface FailureCase {
  readonly name: string
  readonly authorization: () => Promise<string | undefined> | string | undefined
  readonly body: { detail: string; code: string }
  readonly challenge: string
}

const FAILURES: readonly FailureCase[] = [
  {
    name: 'no Authorization header',
    authorization: () => undefined,
    body: NO_CREDENTIALS,
    challenge: CHALLENGE,
  },
  {
    name: 'Basic scheme',
    authorization: () => 'Basic abc',
    body: scheme('Basic'),
    challenge: CHALLENGE,
  },
  {
    name: 'Token scheme',
    authorization: () => 'Token x',
    body: scheme('Token'),
    challenge: CHALLENGE,
  },
  {
    name: 'a bare word, no scheme',
    authorization: () => 'abc',
    body: scheme('(none)'),
    challenge: CHALLENGE,
  },
  // "Bearer" is the right scheme with an empty value: docs/errors.md files that
  // under DARA_ERR_AUTH_MALFORMED ("The Bearer value is empty"). Over a socket a
  // trailing space is trimmed, so "Bearer " and "Bearer" arrive alike.
  {
    name: 'Bearer and nothing after',
    authorization: () => 'Bearer',
    body: MALFORMED,
    challenge: INVALID_TOKEN,
  },
  {
    name: 'Bearer and a space',
    authorization: () => 'Bearer ',
    body: MALFORMED,
    challenge: INVALID_TOKEN,
  },
  {
    name: 'not a JWT',
    authorization: () => 'Bearer not-a-jwt',
    body: MALFORMED,
    challenge: INVALID_TOKEN,
  },
  {
    name: 'three parts that are not base64url JSON',
    authorization: () => 'Bearer aaa.bbb.ccc',
    body: MALFORMED,
    challenge: INVALID_TOKEN,
  },
  {
    name: 'tampered payload',
    authorization: async () => {
      const [header, payload, signature] = (await forgeToken()).split('.')
      const claims: unknown = JSON.parse(Buffer.from(String(payload), 'base64url').toString())
      const raised = Buffer.from(
        JSON.stringify({ ...Object(claims), sub: 'admin', groups: ['admins'] }),
      )
      return `Bearer ${header}.${raised.toString('base64url')}.${signature}`
    },
    body: invalid('its signature does not match'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'signed with another secret',
    authorization: async () => `Bearer ${await forgeToken({ secret: OTHER_SECRET })}`,
    body: invalid('its signature does not match'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'expired',
    authorization: async () => {
      const now = Math.floor(Date.now() / 1000)
      return `Bearer ${await forgeToken({ claims: { iat: now - 120, exp: now - 60 } })}`
    },
    body: EXPIRED,
    challenge: INVALID_TOKEN,
  },
  // An unsecured JWT is a JWT (RFC 7519 §6) of another algorithm: docs/errors.md
  // files "another algorithm" under DARA_ERR_AUTH_INVALID.
  {
    name: 'alg: none, empty signature',
    authorization: () => `Bearer ${unsecuredToken()}`,
    body: invalid('its algorithm is not HS256'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'alg: none, with a made-up signature',
    authorization: () => `Bearer ${unsecuredToken()}c2lnbmF0dXJl`,
    body: invalid('its algorithm is not HS256'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'HS512 with the right secret',
    authorization: async () => `Bearer ${await forgeToken({ alg: 'HS512' })}`,
    body: invalid('its algorithm is not HS256'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'another issuer',
    authorization: async () => `Bearer ${await forgeToken({ claims: { iss: 'someone-else' } })}`,
    body: invalid('claim "iss" is not valid'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'no issuer',
    authorization: async () => `Bearer ${await forgeToken({ omit: ['iss'] })}`,
    body: invalid('claim "iss" is missing'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'no sid claim',
    authorization: async () => `Bearer ${await forgeToken({ omit: ['sid'] })}`,
    body: invalid('claim "sid" is missing'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'no sub claim',
    authorization: async () => `Bearer ${await forgeToken({ omit: ['sub'] })}`,
    body: invalid('claim "sub" is missing'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'no exp claim: a token for ever',
    authorization: async () => `Bearer ${await forgeToken({ omit: ['exp'] })}`,
    body: invalid('claim "exp" is missing'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'no name claim',
    authorization: async () => `Bearer ${await forgeToken({ omit: ['name'] })}`,
    body: invalid('its claims are not those of a dara-ts session'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'groups not a list of strings',
    authorization: async () => `Bearer ${await forgeToken({ claims: { groups: [1] } })}`,
    body: invalid('its claims are not those of a dara-ts session'),
    challenge: INVALID_TOKEN,
  },
  {
    name: 'not valid before a time to come',
    authorization: async () =>
      `Bearer ${await forgeToken({ claims: { nbf: Math.floor(Date.now() / 1000) + 300 } })}`,
    body: invalid('claim "nbf" is not valid'),
    challenge: INVALID_TOKEN,
  },
]

for (const failure of FAILURES) {
  void test(`401 with its own body: ${failure.name}`, async (t) => {
    const { app, calls } = countedApp(t)
    const authorization = await failure.authorization()
    const res = await app.inject({
      method: 'GET',
      url: '/api/secret',
      headers: authorization === undefined ? {} : { authorization },
    })
    assert.equal(res.statusCode, 401)
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    assert.deepEqual(res.json(), failure.body)
    assert.ok(String(res.headers['www-authenticate']).startsWith('Bearer'))
    assert.equal(res.headers['www-authenticate'], failure.challenge)
    assert.equal(calls.handler, 0)
  })
}

/** Opens the session the forged tokens name, so that only what a test changes is off. */
async function forgedSession(app: DaraApp): Promise<void> {
  await app.sessions.mint(
    { identityId: 'forged-user', identityName: 'Forged User', groups: [] },
    { sessionId: 'forged-session', ttlSeconds: 3600 },
  )
}

void test('a token forged with the right secret and claims is accepted (the forger is sound)', async (t) => {
  const { app, calls } = countedApp(t)
  await forgedSession(app)
  const res = await app.inject({
    method: 'GET',
    url: '/api/secret',
    headers: bearer(await forgeToken()),
  })
  assert.equal(res.statusCode, 200)
  assert.equal(calls.handler, 1)
})

void test('the right secret is not enough: a token whose session the store does not know is refused', async (t) => {
  const { app, calls } = countedApp(t)
  const res = await app.inject({
    method: 'GET',
    url: '/api/secret',
    headers: bearer(await forgeToken()),
  })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), SESSION_LOST)
  assert.equal(res.headers['www-authenticate'], INVALID_TOKEN)
  assert.equal(calls.handler, 0)
})

void test("a token this app issued expires: the app's own short-lived token is refused", async (t) => {
  const clock = manualClock()
  const config = new ConfigurationBuilder()
  config.addAuth(new DefaultAuthConfig({ tokenTtlSeconds: 60 }))
  config.addEndpoint(get('/secret', () => 'secret'))
  const app = buildApp(t, config, SECRET, { clock: clock.now })
  const token = await login(app)
  const call = () => app.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
  clock.advance(59_999)
  assert.equal((await call()).statusCode, 200)
  clock.advance(1)
  const res = await call()
  assert.equal(res.statusCode, 401)
  assert.equal(res.headers['www-authenticate'], INVALID_TOKEN)
  assert.deepEqual(res.json(), EXPIRED)
})

void test("one app's token is refused by an app with another secret", async (t) => {
  const first = countedApp(t, SECRET)
  const second = countedApp(t, OTHER_SECRET)
  const token = await login(first.app)
  // Accepted where it was issued first, so that nothing the first app remembers helps the second.
  const own = await first.app.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
  assert.equal(own.statusCode, 200)
  const res = await second.app.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), invalid('its signature does not match'))
  assert.equal(res.headers['www-authenticate'], INVALID_TOKEN)
  assert.equal(second.calls.handler, 0)
})

void test('a token accepted once (and cached) is refused once it expires', async (t) => {
  const clock = manualClock()
  const calls = { handler: 0 }
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/secret', () => ++calls.handler))
  const app = buildApp(t, config, SECRET, { clock: clock.now })
  await forgedSession(app)
  const exp = Math.floor(clock.now() / 1000) + 1
  const token = await forgeToken({ claims: { iat: exp - 60, exp } })
  const first = await app.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
  assert.equal(first.statusCode, 200)
  clock.set(exp * 1000)
  const later = await app.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
  assert.equal(later.statusCode, 401)
  assert.deepEqual(later.json(), EXPIRED)
  assert.equal(later.headers['www-authenticate'], INVALID_TOKEN)
  assert.equal(calls.handler, 1)
})

void test('apps share tokens when they share a secret and a session store, not a secret alone', async (t) => {
  const store = new MemorySessionStore()
  const make = (options: AppOptions) => {
    const config = new ConfigurationBuilder()
    config.addEndpoint(get('/secret', () => 'secret'))
    return buildApp(t, config, SECRET, options)
  }
  const [first, second, apart] = [
    make({ sessionStore: store }),
    make({ sessionStore: store }),
    make({}),
  ]
  const token = await login(first)
  const shared = await second.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
  assert.equal(shared.statusCode, 200)
  const alone = await apart.inject({ method: 'GET', url: '/api/secret', headers: bearer(token) })
  assert.equal(alone.statusCode, 401)
  assert.deepEqual(alone.json(), SESSION_LOST)
})

void test('no Authorization value makes the server fail: each is a 401', async (t) => {
  const { app, calls } = countedApp(t)
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const withHeader = (header: unknown, payload: unknown = sessionClaims()) =>
    `${b64(header)}.${b64(payload)}.c2lnbmF0dXJl`
  const values = [
    'Bearer .',
    'Bearer ..',
    'Bearer a.b.',
    'Bearer .b.c',
    `Bearer ${withHeader(null)}`,
    `Bearer ${withHeader([])}`,
    `Bearer ${withHeader(42)}`,
    `Bearer ${withHeader('HS256')}`,
    `Bearer ${withHeader({ alg: 'HS256' }, null)}`,
    `Bearer ${withHeader({ alg: 'HS256' }, 'claims')}`,
    `Bearer ${withHeader({ alg: 'HS256', crit: ['exp'] })}`,
    `Bearer ${withHeader({ alg: 'HS256', b64: false, crit: ['b64'] })}`,
    `Bearer ${withHeader({ alg: 'RS256' })}`,
    `Bearer ${withHeader({ alg: 'HS256', jku: 'http://127.0.0.1:1/keys' })}`,
    `Bearer ${'a'.repeat(20_000)}.${'b'.repeat(20_000)}.c`,
    'Bearer é.b.c',
    'Bearer a.b.c d.e.f',
    `Bearer ${await forgeToken({ claims: { exp: 'tomorrow' } })}`,
    `Bearer ${await forgeToken({ claims: { sub: 42 } })}`,
    `Bearer ${await forgeToken({ claims: { email: 42 } })}`,
    `Bearer ${await forgeToken({ claims: { groups: 'admins' } })}`,
    'Bearer\tabc',
    'Bearer,abc',
    'Negotiate',
    ' ',
  ]
  for (const authorization of values) {
    const res = await app.inject({ method: 'GET', url: '/api/secret', headers: { authorization } })
    assert.equal(res.statusCode, 401, `${authorization.slice(0, 60)} -> ${res.body}`)
    assert.ok(String(res.headers['www-authenticate']).startsWith('Bearer'), authorization)
    const body = res.json<{ detail: unknown; code: unknown }>()
    assert.deepEqual(Object.keys(body), ['detail', 'code'])
    assert.match(String(body.code), /^DARA_ERR_AUTH_(SCHEME|MALFORMED|INVALID|NO_CREDENTIALS)$/)
  }
  assert.equal(calls.handler, 0)
})

void test('authenticated: false routes need nothing, and ignore whatever Authorization they get', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/open', { authenticated: false }, () => 'open'))
  config.addEndpoint(post('/open', { authenticated: false }, ({ body }) => body))
  const app = buildApp(t, config)
  const headers = [
    {},
    { authorization: 'Basic abc' },
    { authorization: 'Bearer not-a-jwt' },
    { authorization: `Bearer ${await forgeToken({ secret: OTHER_SECRET })}` },
    bearer(await login(app)),
  ]
  for (const h of headers) {
    const res = await app.inject({ method: 'GET', url: '/api/open', headers: h })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json(), 'open')
    const echoed = await app.inject({
      method: 'POST',
      url: '/api/open',
      headers: h,
      payload: { a: 1 },
    })
    assert.equal(echoed.statusCode, 200)
    assert.deepEqual(echoed.json(), { a: 1 })
  }
  const session = await app.inject({
    method: 'POST',
    url: '/api/auth/session',
    headers: { authorization: 'Bearer not-a-jwt' },
  })
  assert.equal(session.statusCode, 200)
})

void test("auth runs before the route's dependencies: a refused caller never runs them", async (t) => {
  const runs = { plain: 0, injected: 0, nested: 0, handler: 0 }
  const nested = dependency(() => {
    runs.nested++
    return 'nested'
  })
  const injected = dependency({ inject: { nested } }, ({ nested }) => {
    runs.injected++
    return `${nested}+injected`
  })
  const plain = () => {
    runs.plain++
  }
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post(
      '/guarded',
      { dependencies: [plain], inject: { injected }, body: z.object({ n: z.number() }) },
      ({ injected, body }) => {
        runs.handler++
        return { injected, n: body.n }
      },
    ),
  )
  const app = buildApp(t, config)

  const refusals = [
    { headers: {}, payload: { n: 1 } },
    { headers: { authorization: 'Bearer not-a-jwt' }, payload: { n: 1 } },
    // Auth comes before the body is read or validated: no 400 or 422 for a stranger.
    { headers: { 'content-type': 'application/json' }, payload: '{"n": ' },
    { headers: {}, payload: { n: 'not a number' } },
  ]
  for (const { headers, payload } of refusals) {
    const res = await app.inject({ method: 'POST', url: '/api/guarded', headers, payload })
    assert.equal(res.statusCode, 401, res.body)
  }
  assert.deepEqual(runs, { plain: 0, injected: 0, nested: 0, handler: 0 })

  const ok = await app.inject({
    method: 'POST',
    url: '/api/guarded',
    headers: bearer(await login(app)),
    payload: { n: 7 },
  })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { injected: 'nested+injected', n: 7 })
  assert.deepEqual(runs, { plain: 1, injected: 1, nested: 1, handler: 1 })
})

void test('a dependency of an authenticated route sees USER.get(), and may refuse on it', async (t) => {
  class Team extends AuthConfig {
    authenticate(body: unknown): UserData {
      const admin = JSON.stringify(body) === '{"name":"ada"}'
      return admin
        ? { identityId: 'ada', identityName: 'Ada', groups: ['admins'] }
        : { identityId: 'bob', identityName: 'Bob', groups: [] }
    }
  }
  const seen: unknown[] = []
  const adminsOnly = () => {
    const user = USER.get()
    seen.push(user?.identityId)
    if (!user?.groups.includes('admins')) throw new HttpError(403, 'Admins only')
  }
  const whoAsks = dependency(() => USER.get()?.identityName)
  const config = new ConfigurationBuilder()
  config.addAuth(new Team())
  config.addEndpoint(
    get('/admin', { dependencies: [adminsOnly], inject: { whoAsks } }, ({ whoAsks }) => ({
      whoAsks,
    })),
  )
  const app = buildApp(t, config)

  const ada = await app.inject({
    method: 'GET',
    url: '/api/admin',
    headers: bearer(await login(app, { name: 'ada' })),
  })
  assert.equal(ada.statusCode, 200)
  assert.deepEqual(ada.json(), { whoAsks: 'Ada' })

  const bob = await app.inject({
    method: 'GET',
    url: '/api/admin',
    headers: bearer(await login(app, { name: 'bob' })),
  })
  assert.equal(bob.statusCode, 403)
  assert.deepEqual(bob.json(), { detail: 'Admins only' })
  assert.deepEqual(seen, ['ada', 'bob'])
})

void test('GET /api/auth/user returns the user of the token, and needs one', async (t) => {
  const app = buildApp(t, new ConfigurationBuilder())
  const res = await app.inject({
    method: 'GET',
    url: '/api/auth/user',
    headers: bearer(await login(app)),
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { identityId: 'user', identityName: 'user', groups: [] })

  const refused = await app.inject({ method: 'GET', url: '/api/auth/user' })
  assert.equal(refused.statusCode, 401)
  assert.deepEqual(refused.json(), NO_CREDENTIALS)
})

void test('GET /api/auth/user carries the email and groups the auth config gave', async (t) => {
  class Directory extends AuthConfig {
    authenticate(): UserData {
      return {
        identityId: 'u-17',
        identityName: 'Grace',
        identityEmail: 'grace@example.com',
        groups: ['navy', 'admins'],
      }
    }
  }
  const config = new ConfigurationBuilder()
  config.addAuth(new Directory())
  const app = buildApp(t, config)
  const token = await login(app)
  assert.deepEqual(claimsOf(token), { sub: 'u-17', sid: claimsOf(token).sid, name: 'Grace' })
  const res = await app.inject({ method: 'GET', url: '/api/auth/user', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), {
    identityId: 'u-17',
    identityName: 'Grace',
    identityEmail: 'grace@example.com',
    groups: ['navy', 'admins'],
  })
})
