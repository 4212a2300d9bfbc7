// Issue 13, finding 15: behind a trusted proxy that terminates https, the app
// sent no HSTS, named its Secure cookie without the `__Host-` prefix, kept idle
// connections 72 s, and its CSRF check ignored the scheme (an `http://` Origin
// passed for an https app when its port matched). On real sockets, with the
// headers a proxy and a browser send.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp, type AppOptions } from 'dara-ts'
import { DefaultAuthConfig, USER } from 'dara-ts/auth'
import { get, post } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'
import { exchange, listen } from '../helpers/raw-socket.ts'

const HSTS = 'max-age=31536000; includeSubDomains'
const HOST_COOKIE = '__Host-dara_session_token'

interface Answer {
  readonly status: number | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly json: unknown
}

/** An app on loopback whose proxy is 127.0.0.1 (unless `trustProxy` says otherwise). */
async function behindProxy(t: TestContext, options: AppOptions = { trustProxy: '127.0.0.1' }) {
  const config = new ConfigurationBuilder()
  config.addAuth(new DefaultAuthConfig({ sessionTtlSeconds: 3600 }))
  config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))
  config.addEndpoint(get('/me', () => USER.get()?.identityId))
  config.addEndpoint(post('/write', () => 'written'))
  const port = await listen(t, createApp(config, { logger: false, secret: SECRET, ...options }))
  /** One request on its own connection, every header as given (the proxy's included). */
  const ask = async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const lines = Object.entries({ host: 'app.example', ...headers, connection: 'close' })
    const head = `${method} ${path} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
    const answer = await exchange(t, port, [head])
    const [top = ''] = answer.text.split('\r\n\r\n', 1)
    const parsed: Record<string, string> = {}
    for (const line of top.split('\r\n').slice(1)) {
      const colon = line.indexOf(':')
      parsed[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    return { status: answer.status, headers: parsed, json: answer.json }
  }
  return { port, ask }
}

const HTTPS = { 'x-forwarded-proto': 'https' }

void test('HSTS on every answer over https as a trusted proxy reports it; never over http', async (t) => {
  const { ask } = await behindProxy(t)
  for (const path of ['/api/hello', '/api/me', '/api/nothing', '/']) {
    const res = await ask('GET', path, HTTPS)
    assert.equal(res.headers['strict-transport-security'], HSTS, `${path} ${res.status}`)
  }
  assert.equal((await ask('GET', '/api/hello')).headers['strict-transport-security'], undefined)

  // Without trustProxy the header is the client's word, not the proxy's: no HSTS.
  const direct = await behindProxy(t, {})
  const forged = await direct.ask('GET', '/api/hello', HTTPS)
  assert.equal(forged.status, 200)
  assert.equal(forged.headers['strict-transport-security'], undefined)

  const custom = await behindProxy(t, {
    trustProxy: '127.0.0.1',
    securityHeaders: { strictTransportSecurity: 'max-age=600' },
  })
  assert.equal(
    (await custom.ask('GET', '/api/hello', HTTPS)).headers['strict-transport-security'],
    'max-age=600',
  )
  const off = await behindProxy(t, {
    trustProxy: '127.0.0.1',
    securityHeaders: { strictTransportSecurity: false },
  })
  assert.equal(
    (await off.ask('GET', '/api/hello', HTTPS)).headers['strict-transport-security'],
    undefined,
  )
})

void test('over https the session cookie is __Host- prefixed, and only that name is read', async (t) => {
  const { ask } = await behindProxy(t)
  const login = await ask('POST', '/api/auth/session', HTTPS)
  assert.equal(login.status, 200)
  const setCookie = login.headers['set-cookie'] ?? ''
  const handle = /^__Host-dara_session_token=([\w-]{43});/.exec(setCookie)?.[1]
  assert.ok(handle, setCookie)
  assert.match(
    setCookie,
    new RegExp(
      `^${HOST_COOKIE}=${handle}; Max-Age=3600; Expires=[^;]+ GMT; Path=/; HttpOnly; SameSite=Lax; Secure$`,
    ),
  )

  const me = await ask('GET', '/api/me', { ...HTTPS, cookie: `${HOST_COOKIE}=${handle}` })
  assert.equal(me.status, 200)
  assert.equal(me.json, 'user')
  // The unprefixed name could have been planted (by a sibling subdomain, or over
  // http): over https it is not read.
  const planted = await ask('GET', '/api/me', { ...HTTPS, cookie: `dara_session_token=${handle}` })
  assert.equal(planted.status, 401)
  assert.equal((planted.json as { code: string }).code, 'DARA_ERR_AUTH_NO_CREDENTIALS')

  const logout = await ask('POST', '/api/auth/revoke-session', {
    ...HTTPS,
    origin: 'https://app.example',
    cookie: `${HOST_COOKIE}=${handle}`,
  })
  assert.equal(logout.status, 200)
  assert.equal(
    logout.headers['set-cookie'],
    `${HOST_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax; Secure`,
  )

  // Over plain http the cookie keeps its name and has no Secure.
  const plain = await ask('POST', '/api/auth/session')
  assert.match(
    plain.headers['set-cookie'] ?? '',
    /^dara_session_token=[\w-]{43}; Max-Age=3600; Expires=[^;]+ GMT; Path=\/; HttpOnly; SameSite=Lax$/,
  )
})

void test('the CSRF check compares the scheme: an http Origin does not speak for an https app', async (t) => {
  const { ask } = await behindProxy(t)
  const login = await ask('POST', '/api/auth/session', HTTPS)
  const cookie = /^([^;]+);/.exec(login.headers['set-cookie'] ?? '')?.[1] ?? ''
  const write = (origin: string, headers: Record<string, string> = HTTPS) =>
    ask('POST', '/api/write', { ...headers, cookie, origin })

  for (const origin of ['http://app.example', 'http://app.example:443']) {
    const res = await write(origin)
    assert.equal(res.status, 403, origin)
    assert.equal((res.json as { code: string }).code, 'DARA_ERR_AUTH_CSRF')
  }
  const own = await write('https://app.example')
  assert.equal(own.status, 200)
  assert.equal(own.json, 'written')
  assert.equal((await write('https://app.example:443')).status, 200)

  // And the other way round: an https Origin on the http port is not the http app.
  const http = await ask('POST', '/api/auth/session')
  const plainCookie = /^([^;]+);/.exec(http.headers['set-cookie'] ?? '')?.[1] ?? ''
  const cross = await ask('POST', '/api/write', {
    cookie: plainCookie,
    origin: 'https://app.example:80',
  })
  assert.equal(cross.status, 403)
  const same = await ask('POST', '/api/write', {
    cookie: plainCookie,
    origin: 'http://app.example',
  })
  assert.equal(same.status, 200)
})

void test('an idle keep-alive connection is closed after 5 s by default, and says so', async (t) => {
  const { port } = await behindProxy(t)
  // The test's patience is 15 s: with the former 72 s the socket is still open then.
  const answer = await exchange(t, port, ['GET /api/hello HTTP/1.1\r\nHost: app.example\r\n\r\n'], {
    timeoutMs: 15_000,
  })
  assert.equal(answer.status, 200)
  assert.match(answer.text, /\r\nKeep-Alive: timeout=5\r\n/)
  assert.equal(answer.timedOut, false, 'the server closed the idle connection')
})
