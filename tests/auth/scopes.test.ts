// Tokens limited to scopes reach only the routes that list one of them;
// tokens without scopes (a browser's session) are not limited.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp, type DaraApp } from 'dara-ts'
import { get, post } from 'dara-ts/http'
import { bearer, buildApp, forgeToken, login, SECRET } from '../helpers/auth.ts'

function app(t: Parameters<typeof buildApp>[0]) {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/reports', { scopes: ['reports:read', 'admin'] }, () => 'reports'))
  config.addEndpoint(post('/reports', { scopes: ['admin'] }, () => 'written'))
  config.addEndpoint(get('/plain', () => 'plain'))
  config.addEndpoint(get('/open', { authenticated: false }, () => 'open'))
  return buildApp(t, config)
}

/** A token for a script, limited to `scopes`, made by the app itself. */
async function scoped(server: DaraApp, scopes: readonly string[]): Promise<string> {
  const user = { identityId: 'job', identityName: 'job', groups: [] }
  return (await server.sessions.mint(user, { scopes })).token
}

void test('a scoped token calls the routes that list one of its scopes', async (t) => {
  const server = app(t)
  const token = await scoped(server, ['reports:read', 'other'])
  const res = await server.inject({ method: 'GET', url: '/api/reports', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json(), 'reports')
  const open = await server.inject({ method: 'GET', url: '/api/open', headers: bearer(token) })
  assert.equal(open.json(), 'open')
})

void test('and is refused with 403 by the others, before the handler runs', async (t) => {
  const server = app(t)
  const token = await scoped(server, ['reports:read'])
  const write = await server.inject({ method: 'POST', url: '/api/reports', headers: bearer(token) })
  assert.equal(write.statusCode, 403)
  assert.deepEqual(write.json(), {
    detail:
      "This token is limited to the scopes reports:read, and POST /api/reports accepts admin. Use a token with one of its scopes, or list the scope in the route's `scopes`.",
    code: 'DARA_ERR_AUTH_SCOPE',
  })
  const plain = await server.inject({
    method: 'GET',
    url: '/api/plain?x=1',
    headers: bearer(token),
  })
  assert.equal(plain.statusCode, 403)
  assert.deepEqual(plain.json(), {
    detail:
      "This token is limited to the scopes reports:read, and GET /api/plain accepts (none: scoped tokens may not call it). Use a token with one of its scopes, or list the scope in the route's `scopes`.",
    code: 'DARA_ERR_AUTH_SCOPE',
  })
})

void test('a token without scopes calls every route', async (t) => {
  const server = app(t)
  const token = await login(server)
  for (const [method, url, body] of [
    ['GET', '/api/reports', 'reports'],
    ['POST', '/api/reports', 'written'],
    ['GET', '/api/plain', 'plain'],
  ] as const) {
    const res = await server.inject({ method, url, headers: bearer(token) })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json(), body)
  }
})

void test('a scope claim that is not a string makes the token invalid', async (t) => {
  const server = app(t)
  const token = await forgeToken({ claims: { scope: ['admin'] } })
  const res = await server.inject({ method: 'GET', url: '/api/reports', headers: bearer(token) })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(res.json(), {
    detail: 'Invalid token: its claims are not those of a dara-ts session',
    code: 'DARA_ERR_AUTH_INVALID',
  })
})

void test('scopes must be a list of names on an authenticated route, or the start stops', () => {
  const cases = [
    [{ scopes: 'admin' }, '`scopes` must be a list of scope names'],
    [{ scopes: ['admin', ''] }, '`scopes` must be a list of scope names'],
    [
      { scopes: ['admin'], authenticated: false },
      '`scopes` needs an authenticated route; remove `authenticated: false` or the scopes',
    ],
  ] as const
  for (const [options, reason] of cases) {
    const config = new ConfigurationBuilder()
    // Sound for the test: JavaScript callers can pass what the types refuse.
    config.addEndpoint(get('/x', options as { scopes?: readonly string[] }, () => 'x'))
    assert.throws(() => createApp(config, { logger: false, secret: SECRET }), {
      name: 'DaraError',
      message: `DARA_ERR_ROUTE_INVALID: GET /x: ${reason}`,
    })
  }
})

// Issue 13, item 5: a token limited to scopes could not log itself out (403).
void test('a scoped token may always revoke its own session, and is refused after', async (t) => {
  const server = app(t)
  const token = await scoped(server, ['reports:read'])
  const out = await server.inject({
    method: 'POST',
    url: '/api/auth/revoke-session',
    headers: bearer(token),
  })
  assert.equal(out.statusCode, 200)
  assert.deepEqual(out.json(), { success: true })
  const after = await server.inject({ method: 'GET', url: '/api/reports', headers: bearer(token) })
  assert.equal(after.statusCode, 401)
  assert.deepEqual(after.json(), {
    detail: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
    code: 'DARA_ERR_AUTH_REVOKED',
  })
  // Scopes still bound every other route of /api/auth.
  const other = await scoped(server, ['reports:read'])
  const user = await server.inject({ method: 'GET', url: '/api/auth/user', headers: bearer(other) })
  assert.equal(user.statusCode, 403)
  assert.equal(user.json<{ code: string }>().code, 'DARA_ERR_AUTH_SCOPE')
})
