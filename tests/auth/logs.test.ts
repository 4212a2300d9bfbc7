// What the log says about sessions: who logged in and out, and why a request
// was refused; never a token, a refresh token or a cookie handle.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { BasicAuthConfig } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { buildLoggedApp } from '../helpers/app.ts'

void test('logins, logouts and refusals are logged without secrets', async (t) => {
  const config = new ConfigurationBuilder()
  config.addAuth(new BasicAuthConfig({ username: 'ada', password: 'lovelace' }))
  config.addEndpoint(get('/me', () => 'me'))
  const { app, logs, raw } = buildLoggedApp(t, config)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/session',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username: 'ada', password: 'lovelace' }),
  })
  const { token, refreshToken } = res.json<{ token: string; refreshToken: string }>()
  const handle = /^dara_session_token=([^;]+);/.exec(String(res.headers['set-cookie']))?.[1] ?? ''
  const sessionId = refreshToken.split('.')[0]
  await app.inject({
    method: 'POST',
    url: '/api/auth/revoke-session',
    headers: { authorization: `Bearer ${token}` },
  })
  await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } })

  const pick = (msg: string) =>
    logs
      .filter((l) => l.msg.startsWith(msg))
      .map(({ user, sessionId, reason }) => ({ user, sessionId, reason }))
  assert.deepEqual(pick('Logged in'), [{ user: 'ada', sessionId, reason: undefined }])
  assert.deepEqual(pick('Logged out'), [{ user: 'ada', sessionId, reason: undefined }])
  assert.deepEqual(pick('Request refused'), [
    { user: undefined, sessionId: undefined, reason: 'DARA_ERR_AUTH_REVOKED' },
  ])
  const text = raw.join('')
  for (const secret of [token, refreshToken, handle, 'lovelace']) {
    assert.ok(!text.includes(secret), `the log holds ${secret.slice(0, 12)}...`)
  }
})
