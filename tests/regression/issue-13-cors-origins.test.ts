// Issue 13, finding 14: with DARA_CORS_ORIGINS and credentials, a login from
// the allowed origin got the CSRF 403, so a front end on its own origin could
// never sign in. Allowed CORS origins now pass the CSRF origin check (cookie
// requests only when credentials are allowed), and DARA_TRUSTED_ORIGINS sets
// trustedOrigins for apps that `dara start` runs. Over a real socket, with the
// headers a browser sends.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp, type AppOptions } from 'dara-ts'
import { USER } from 'dara-ts/auth'
import { get, post } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'

const UI = 'https://ui.example'
const refused = (why: string) => ({
  detail: `Cross-site request refused: ${why}. A request that changes state and is authenticated by the session cookie alone must come from this site; programs send "Authorization: Bearer <token>" instead`,
  code: 'DARA_ERR_AUTH_CSRF',
})

function withEnv(t: TestContext, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const before = process.env[name]
    process.env[name] = value
    t.after(() => {
      if (before === undefined) delete process.env[name]
      else process.env[name] = before
    })
  }
}

async function served(t: TestContext, options: Pick<AppOptions, 'cors' | 'trustedOrigins'> = {}) {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/me', () => USER.get()?.identityId))
  config.addEndpoint(post('/write', () => 'written'))
  const app = createApp(config, { logger: false, secret: SECRET, ...options })
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  const base = `http://127.0.0.1:${address.port}`
  /** What a browser page at `origin` sends: its Origin, and the cookie when it has one. */
  const send = (path: string, origin: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { origin, ...(init.headers as Record<string, string> | undefined) },
    })
  const login = async (origin: string) => {
    const res = await send('/api/auth/session', origin, { method: 'POST' })
    const cookie = /^(dara_session_token=[^;]+);/.exec(res.headers.get('set-cookie') ?? '')?.[1]
    return { res, cookie }
  }
  return { send, login }
}

void test('CORS with credentials: the allowed origin logs in and its cookie POSTs pass', async (t) => {
  const { send, login } = await served(t, { cors: { origins: [UI], credentials: true } })
  const preflight = await send('/api/auth/session', UI, {
    method: 'OPTIONS',
    headers: { 'access-control-request-method': 'POST' },
  })
  assert.equal(preflight.status, 204)
  assert.equal(preflight.headers.get('access-control-allow-origin'), UI)
  assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true')

  const { res, cookie } = await login(UI)
  assert.equal(res.status, 200, await res.clone().text())
  assert.equal(res.headers.get('access-control-allow-origin'), UI)
  assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
  assert.ok(cookie, 'the session cookie is set')

  const write = await send('/api/write', UI, { method: 'POST', headers: { cookie } })
  assert.equal(write.status, 200)
  assert.equal(await write.json(), 'written')
  assert.equal(write.headers.get('access-control-allow-origin'), UI)

  // Any other origin is still refused, at login and with the cookie.
  const evil = 'https://evil.example'
  const foreign = await login(evil)
  assert.equal(foreign.res.status, 403)
  assert.deepEqual(await foreign.res.json(), refused(`its Origin "${evil}" is not this site`))
  const forged = await send('/api/write', evil, { method: 'POST', headers: { cookie } })
  assert.equal(forged.status, 403)
  assert.deepEqual(await forged.json(), refused(`its Origin "${evil}" is not this site`))
})

void test('CORS without credentials: the allowed origin may log in, but not use the cookie', async (t) => {
  const { send, login } = await served(t, { cors: { origins: [UI] } })
  const { res, cookie } = await login(UI)
  assert.equal(res.status, 200)
  assert.equal(typeof ((await res.json()) as { token: unknown }).token, 'string')
  const write = await send('/api/write', UI, { method: 'POST', headers: { cookie: cookie ?? '' } })
  assert.equal(write.status, 403)
  assert.deepEqual(await write.json(), refused(`its Origin "${UI}" is not this site`))
})

void test('DARA_CORS_ORIGINS with DARA_CORS_CREDENTIALS=1, as dara start reads them', async (t) => {
  withEnv(t, { DARA_CORS_ORIGINS: `${UI}, http://localhost:5173`, DARA_CORS_CREDENTIALS: '1' })
  const { send, login } = await served(t)
  const { res, cookie } = await login('http://localhost:5173')
  assert.equal(res.status, 200)
  const write = await send('/api/write', UI, { method: 'POST', headers: { cookie: cookie ?? '' } })
  assert.equal(write.status, 200)
})

void test('DARA_TRUSTED_ORIGINS lets those origins log in and send cookie requests', async (t) => {
  withEnv(t, { DARA_TRUSTED_ORIGINS: ' https://admin.example , https://ops.example:8443' })
  const { send, login } = await served(t)
  const { res, cookie } = await login('https://ops.example:8443')
  assert.equal(res.status, 200)
  // No CORS grant: trusting an origin for CSRF does not let its pages read answers.
  assert.equal(res.headers.get('access-control-allow-origin'), null)
  const write = await send('/api/write', 'https://admin.example', {
    method: 'POST',
    headers: { cookie: cookie ?? '' },
  })
  assert.equal(write.status, 200)
  const other = await send('/api/write', 'https://ops.example', {
    method: 'POST',
    headers: { cookie: cookie ?? '' },
  })
  assert.equal(other.status, 403)
})

void test('a trusted origin that is not an exact origin stops the start', (t) => {
  withEnv(t, { DARA_TRUSTED_ORIGINS: 'https://admin.example/' })
  const config = new ConfigurationBuilder()
  assert.throws(() => createApp(config, { logger: false, secret: SECRET }), {
    message:
      'DARA_ERR_SERVER_OPTION_INVALID: DARA_TRUSTED_ORIGINS must be a list of origins such as https://app.example.com (scheme, host, optional port), got "https://admin.example/"',
  })
  assert.throws(
    () => createApp(config, { logger: false, secret: SECRET, trustedOrigins: ['admin.example'] }),
    {
      message:
        'DARA_ERR_SERVER_OPTION_INVALID: trustedOrigins must be a list of origins such as https://app.example.com (scheme, host, optional port), got "admin.example"',
    },
  )
})
