// examples/basic-auth as its README walks through it, on a real `dara start`:
// log in, call, refresh, log out; the cookie; wrong credentials; groups.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SECRET, bearer } from '../helpers/auth.ts'
import { call, field, startDara } from '../helpers/processes.ts'

void test(
  'a new user logs in to examples/basic-auth as its README says',
  { timeout: 60_000 },
  async (t) => {
    const { url } = await startDara(t, 'examples/basic-auth/main.ts', {
      DARA_JWT_SECRET: SECRET,
      DARA_REDIS_URL: '',
      EXAMPLE_MULTI_USER: '1',
    })
    const login = (username: string, password: string) =>
      call(`${url}/api/auth/session`, { method: 'POST', json: { username, password } })

    const res = await login('admin', 'dara-demo')
    assert.equal(res.status, 200)
    const pair = {
      token: String(field(res.body, 'token')),
      refreshToken: String(field(res.body, 'refreshToken')),
      expiresIn: field(res.body, 'expiresIn'),
    }
    assert.equal(pair.expiresIn, 900)
    const user = await call(`${url}/api/auth/user`, { headers: bearer(pair.token) })
    assert.deepEqual(user.body, { identityId: 'admin', identityName: 'admin', groups: ['admins'] })
    assert.deepEqual(
      (await call(`${url}/api/greetings`, { headers: bearer(pair.token) })).body,
      'Hello from United Kingdom',
    )
    assert.deepEqual(
      (await call(`${url}/api/admin/report`, { headers: bearer(pair.token) })).body,
      'Report for admin',
    )

    const refreshed = await call(`${url}/api/auth/refresh-token`, {
      method: 'POST',
      json: { refreshToken: pair.refreshToken },
    })
    assert.equal(refreshed.status, 200)
    const out = await call(`${url}/api/auth/revoke-session`, {
      method: 'POST',
      headers: bearer(pair.token),
    })
    assert.deepEqual(out.body, { success: true })
    assert.deepEqual((await call(`${url}/api/auth/user`, { headers: bearer(pair.token) })).body, {
      detail: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
      code: 'DARA_ERR_AUTH_REVOKED',
    })

    const wrong = await login('admin', 'nope')
    assert.equal(wrong.status, 401)
    assert.deepEqual(wrong.body, {
      detail: 'Wrong username or password',
      code: 'DARA_ERR_AUTH_LOGIN_FAILED',
    })

    const guest = await login('guest', 'guest-demo')
    const guestToken = String(field(guest.body, 'token'))
    const report = await call(`${url}/api/admin/report`, { headers: bearer(guestToken) })
    assert.equal(report.status, 403)
    assert.deepEqual(report.body, {
      detail: 'Forbidden: GET /api/admin/report is for members of "admins"',
      code: 'DARA_ERR_AUTH_FORBIDDEN',
    })

    // The browser's way: the cookie, and the Origin on a state-changing request.
    const cookie = `dara_session_token=${/^dara_session_token=([^;]+);/.exec(String(guest.headers['set-cookie']))?.[1]}`
    const mine = await call(`${url}/api/custom`, { headers: { cookie } })
    assert.deepEqual(field(mine.body, 'userData'), {
      identityId: 'guest',
      identityName: 'guest',
      groups: [],
    })
    const logout = await call(`${url}/api/auth/revoke-session`, {
      method: 'POST',
      headers: { cookie, origin: url },
    })
    assert.deepEqual(logout.body, { success: true })
    assert.equal((await call(`${url}/api/custom`, { headers: { cookie } })).status, 401)
  },
)
