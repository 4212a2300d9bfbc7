// dara-ts/testing on its own: users, configurations, bodies and queries reach the
// handler as a real client's would, minted tokens work on a real socket, and one
// close() closes every app the views built.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { SESSION, USER } from 'dara-ts/auth'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { get, post } from 'dara-ts/http'
import { mintToken, testApp } from 'dara-ts/testing'
import { SECRET, bearer } from '../helpers/auth.ts'

class Limits extends EndpointConfiguration<Limits> {
  declare max: number
  static default() {
    return new Limits({ max: 10 })
  }
}

function app(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/me', () => ({ user: USER.get() ?? null, hasSession: SESSION.get() !== undefined })),
  )
  config.addEndpoint(get('/limit', { inject: { limits: Limits } }, ({ limits }) => limits.max))
  config.addEndpoint(
    post(
      '/items',
      {
        body: z.object({ name: z.string() }),
        query: z.object({ tag: z.string().optional() }),
      },
      ({ body, query, reply }) => {
        void reply.code(201)
        return { name: body.name, tag: query.tag ?? null, by: USER.get()?.identityId }
      },
    ),
  )
  return config
}

void test('asUser() calls as that user, with defaults for what is left out; without it, no credentials', async (t) => {
  const api = testApp(app())
  t.after(() => api.close())

  const ada = await api
    .asUser({
      identityId: 'u1',
      identityName: 'Ada',
      identityEmail: 'ada@example.com',
      groups: ['admin'],
    })
    .get('/me')
  assert.deepEqual(
    [ada.status, ada.body],
    [
      200,
      {
        user: {
          identityId: 'u1',
          identityName: 'Ada',
          identityEmail: 'ada@example.com',
          groups: ['admin'],
        },
        hasSession: true,
      },
    ],
  )
  const plain = await api.asUser({ identityName: 'grace' }).get('/me')
  assert.deepEqual(plain.body, {
    user: { identityId: 'grace', identityName: 'grace', groups: [] },
    hasSession: true,
  })
  const nobody = await api.asUser().anonymous().get('/me')
  assert.equal(nobody.status, 401)
  assert.deepEqual(nobody.body, {
    detail:
      'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
    code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
  })
})

void test('withConfig() swaps one configuration in an app of its own; the others keep theirs', async (t) => {
  const api = testApp(app()).asUser()
  t.after(() => api.close())
  const strict = api.withConfig(new Limits({ max: 1 }))
  assert.deepEqual((await strict.get('/limit')).body, 1)
  assert.deepEqual((await api.get('/limit')).body, 10)
  assert.deepEqual((await strict.withConfig(new Limits({ max: 2 })).get('/limit')).body, 2)
  assert.notEqual(strict.app(), api.app())
  assert.equal(
    strict.app(),
    strict.asUser({ identityName: 'other' }).app(),
    'views share their app',
  )
})

void test('bodies go as JSON, queries and headers as given, and a 422 comes back whole', async (t) => {
  const api = testApp(app()).asUser({ identityId: 'u7' })
  t.after(() => api.close())
  const created = await api.post('/items', { name: 'pen' }, { query: { tag: 'office' } })
  assert.deepEqual([created.status, created.body], [201, { name: 'pen', tag: 'office', by: 'u7' }])
  const invalid = await api.post('/items', { name: 3 })
  assert.equal(invalid.status, 422)
  assert.deepEqual(invalid.body, {
    detail: [
      {
        in: 'body',
        path: ['name'],
        code: 'invalid_type',
        message: 'Invalid input: expected string, received number',
      },
    ],
  })
  const full = await api.get('/api/limit')
  assert.deepEqual([full.status, full.text], [200, '10'])
})

void test('close() on any view closes every app the views built', async () => {
  const api = testApp(app()).asUser()
  const other = api.withConfig(new Limits({ max: 3 }))
  await Promise.all([api.get('/limit'), other.get('/limit')])
  const apps = [api.app(), other.app()]
  await other.close()
  for (const app of apps) {
    await assert.rejects(app.inject({ method: 'GET', url: '/api/limit' }), 'a closed app refuses')
  }
})

void test('mintToken() with the url of a running app makes a token that app accepts', async (t) => {
  const server = createApp(app(), { logger: false, secret: SECRET })
  t.after(() => server.close())
  await server.listen({ port: 0, host: '127.0.0.1' })
  const address = server.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const url = `http://127.0.0.1:${address.port}`

  const token = await mintToken(
    { identityName: 'script', groups: ['ops'] },
    { secret: SECRET, url },
  )
  const res = await fetch(`${url}/api/me`, { headers: bearer(token) })
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), {
    user: { identityId: 'script', identityName: 'script', groups: ['ops'] },
    hasSession: true,
  })
  // Signed alone, a token names a session the app never opened: refused.
  const unsent = await mintToken({ identityName: 'script' }, { secret: SECRET })
  const lost = await fetch(`${url}/api/me`, { headers: bearer(unsent) })
  assert.equal(lost.status, 401)
  assert.equal(((await lost.json()) as { code: string }).code, 'DARA_ERR_AUTH_SESSION_LOST')
  // Another secret cannot open one.
  await assert.rejects(
    mintToken({}, { secret: 'another-secret-of-at-least-32-bytes!!', url }),
    (error: Error) => {
      assert.match(
        error.message,
        /^DARA_ERR_TOKEN_APP_REFUSED: The app at http:\/\/127\.0\.0\.1:\d+ refused the request with 401: .*DARA_ERR_AUTH_ADMIN/,
      )
      return true
    },
  )
})
