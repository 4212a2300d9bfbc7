// Security headers on every answer, API and UI, success and error alike; no
// X-Powered-By; CORS off unless origins are given, then only for those origins.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp, type AppOptions } from 'dara-ts'
import { get, post } from 'dara-ts/http'
import { SECRET, bearer, login } from '../helpers/auth.ts'

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
}
const UI_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; img-src 'self' data: blob:; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'"

function app(t: TestContext, options: Omit<AppOptions, 'secret' | 'logger'> = {}) {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))
  config.addEndpoint(get('/private', () => 'secret'))
  config.addEndpoint(post('/items', { authenticated: false }, ({ body }) => body))
  const instance = createApp(config, { logger: false, secret: SECRET, ...options })
  t.after(() => instance.close())
  return instance
}

function securityHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(API_HEADERS).map((name) => [name, headers[name]]))
}

void test('every API answer carries the security headers, errors included, and no X-Powered-By', async (t) => {
  const instance = app(t)
  const answers = [
    await instance.inject({ method: 'GET', url: '/api/hello' }),
    await instance.inject({ method: 'GET', url: '/api/private' }),
    await instance.inject({
      method: 'GET',
      url: '/api/private',
      headers: bearer(await login(instance)),
    }),
    await instance.inject({ method: 'GET', url: '/api/nothing-here' }),
    await instance.inject({
      method: 'POST',
      url: '/api/items',
      headers: { 'content-type': 'application/json' },
      payload: '{"broken": ',
    }),
    await instance.inject({ method: 'GET', url: '/api/items/%' }),
  ]
  assert.deepEqual(
    answers.map((r) => r.statusCode),
    [200, 401, 200, 404, 400, 400],
  )
  for (const res of answers) {
    assert.deepEqual(securityHeaders(res.headers), API_HEADERS, `${res.statusCode} ${res.body}`)
    assert.equal(res.headers['x-powered-by'], undefined)
    assert.equal(res.headers['server'], undefined)
  }
})

void test('pages outside /api get a content security policy for the UI', async (t) => {
  const res = await app(t).inject({ method: 'GET', url: '/' })
  assert.deepEqual(securityHeaders(res.headers), {
    ...API_HEADERS,
    'content-security-policy': UI_CSP,
  })
})

void test("the UI's policy can be replaced, or left out; the API's stays", async (t) => {
  const custom = app(t, { securityHeaders: { contentSecurityPolicy: "default-src 'self'" } })
  const page = await custom.inject({ method: 'GET', url: '/' })
  assert.equal(page.headers['content-security-policy'], "default-src 'self'")
  const api = await custom.inject({ method: 'GET', url: '/api/hello' })
  assert.equal(api.headers['content-security-policy'], API_HEADERS['content-security-policy'])

  const none = app(t, { securityHeaders: { contentSecurityPolicy: false } })
  const bare = await none.inject({ method: 'GET', url: '/' })
  assert.equal(bare.headers['content-security-policy'], undefined)
  assert.equal(bare.headers['x-frame-options'], 'DENY')
})

void test('CORS is off by default: no Access-Control header; a preflight gets the methods of the path, and no CORS header', async (t) => {
  const instance = app(t)
  const res = await instance.inject({
    method: 'GET',
    url: '/api/hello',
    headers: { origin: 'https://other.example' },
  })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['access-control-allow-origin'], undefined)
  const preflight = await instance.inject({
    method: 'OPTIONS',
    url: '/api/items',
    headers: { origin: 'https://other.example', 'access-control-request-method': 'POST' },
  })
  assert.equal(preflight.statusCode, 204)
  assert.match(String(preflight.headers['allow']), /\bPOST\b/)
  assert.equal(preflight.headers['access-control-allow-origin'], undefined)
})

void test('CORS for the origins given: they are allowed, with a preflight; others are not', async (t) => {
  const instance = app(t, {
    cors: { origins: ['https://ui.example', 'http://localhost:5173'], credentials: true },
  })
  const allowed = await instance.inject({
    method: 'GET',
    url: '/api/hello',
    headers: { origin: 'http://localhost:5173' },
  })
  assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:5173')
  assert.equal(allowed.headers['access-control-allow-credentials'], 'true')
  assert.match(String(allowed.headers['vary']), /Origin/)

  const preflight = await instance.inject({
    method: 'OPTIONS',
    url: '/api/items',
    headers: {
      origin: 'https://ui.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  })
  assert.equal(preflight.statusCode, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://ui.example')
  assert.equal(
    preflight.headers['access-control-allow-methods'],
    'GET, HEAD, POST, PUT, PATCH, DELETE',
  )
  assert.equal(preflight.headers['access-control-allow-headers'], 'authorization, content-type')

  const refused = await instance.inject({
    method: 'GET',
    url: '/api/hello',
    headers: { origin: 'https://ui.example.evil.test' },
  })
  // The answer is still given (CORS is enforced by the browser), but without the grant:
  // with no allowed origin the browser keeps the answer from the page.
  assert.equal(refused.statusCode, 200)
  assert.equal(refused.headers['access-control-allow-origin'], undefined)
})

void test("CORS for any origin with ['*'], never together with credentials", async (t) => {
  const any = app(t, { cors: { origins: ['*'] } })
  const res = await any.inject({
    method: 'GET',
    url: '/api/hello',
    headers: { origin: 'https://anyone.example' },
  })
  assert.equal(res.headers['access-control-allow-origin'], '*')
  assert.throws(() => app(t, { cors: { origins: ['*'], credentials: true } }), {
    message:
      'DARA_ERR_SERVER_OPTION_INVALID: cors.origins must be a list of exact origins when credentials are allowed, got "*"',
  })
  assert.throws(() => app(t, { cors: { origins: ['https://ui.example/'] } }), {
    message:
      'DARA_ERR_SERVER_OPTION_INVALID: cors.origins must be a list of origins such as https://app.example.com (scheme, host, optional port), got "https://ui.example/"',
  })
})
