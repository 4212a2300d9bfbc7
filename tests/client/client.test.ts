// dara-ts/client against the example app on a real socket: results, and every
// error status as a ResponseError with the server's detail.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createClient, HttpError as ClientHttpError, ResponseError } from 'dara-ts/client'
import { HttpError, type ApiRoute } from 'dara-ts/http'
import { config } from '../../examples/api/main.ts'
import type { routes } from '../../examples/api/routes.ts'
import { listen, sessionToken } from '../helpers/listen.ts'

/** Runs `fn`, which must throw a ResponseError, and returns it. */
async function failure(fn: () => Promise<unknown>): Promise<ResponseError> {
  try {
    await fn()
  } catch (error) {
    assert.ok(error instanceof ResponseError, `expected a ResponseError, got ${String(error)}`)
    return error
  }
  assert.fail('the call succeeded')
}

void test('calls succeed with typed results', async (t) => {
  const { baseUrl } = await listen(t, config)
  const client = createClient<typeof routes>(baseUrl, { token: await sessionToken(baseUrl) })
  assert.deepEqual(await client.get('/health'), { ok: true })
  assert.deepEqual(await client.get('/greetings'), { message: 'Hello, user' })
  assert.deepEqual(
    await client.post('/items/{id}', { params: { id: 7 }, body: { name: 'Seven' } }),
    {
      id: 7,
      name: 'Seven',
      owner: 'user',
    },
  )
  await client.post('/items/{id}', { params: { id: '8' }, body: { name: 'Eight' } })
  assert.deepEqual(await client.get('/items/{id}', { params: { id: 7 } }), {
    id: 7,
    name: 'Seven',
    owner: 'user',
  })
  assert.deepEqual(await client.get('/items', { query: { limit: 1 } }), [
    { id: 7, name: 'Seven', owner: 'user' },
  ])
  assert.deepEqual(await client.get('/items'), [
    { id: 7, name: 'Seven', owner: 'user' },
    { id: 8, name: 'Eight', owner: 'user' },
  ])
  assert.deepEqual(await client.delete('/items/{id}', { params: { id: 8 } }), { deleted: true })
})

void test('401: no token, and a token of another app', async (t) => {
  const { baseUrl } = await listen(t, config)
  const anonymous = createClient<typeof routes>(baseUrl)
  const error = await failure(() => anonymous.get('/greetings'))
  assert.equal(error.status, 401)
  assert.equal(error.code, 'DARA_ERR_AUTH_NO_CREDENTIALS')
  assert.equal(
    error.detail,
    'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
  )
  assert.equal(
    error.message,
    `GET ${baseUrl}/api/greetings answered 401: No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session`,
  )
  // The same class as the server's HttpError, whichever subpath it is imported from.
  assert.ok(error instanceof HttpError)
  assert.equal(ClientHttpError, HttpError)

  const other = await listen(t, config, 'another-app-secret-9876543210-zyxwvutsrq')
  const stranger = createClient<typeof routes>(baseUrl, {
    token: () => sessionToken(other.baseUrl),
  })
  const invalid = await failure(() => stranger.get('/greetings'))
  assert.equal(invalid.status, 401)
  assert.equal(invalid.code, 'DARA_ERR_AUTH_INVALID')
  assert.equal(invalid.detail, 'Invalid token: its signature does not match')
})

void test('422: every invalid field, typed', async (t) => {
  const { baseUrl } = await listen(t, config)
  const client = createClient<typeof routes>(baseUrl, { token: await sessionToken(baseUrl) })
  const error = await failure(() =>
    client.post('/items/{id}', { params: { id: 'seven' }, body: { name: '' } }),
  )
  assert.equal(error.status, 422)
  assert.deepEqual(error.issues, [
    {
      in: 'path',
      path: ['id'],
      code: 'invalid_type',
      message: 'Invalid input: expected number, received NaN',
    },
    {
      in: 'body',
      path: ['name'],
      code: 'too_small',
      message: 'Too small: expected string to have >=1 characters',
    },
  ])
  assert.deepEqual(error.detail, error.issues)
})

void test('404: the handler refuses, and a path the app does not have', async (t) => {
  const { baseUrl } = await listen(t, config)
  const client = createClient<typeof routes>(baseUrl, { token: await sessionToken(baseUrl) })
  const missing = await failure(() => client.get('/items/{id}', { params: { id: 99 } }))
  assert.equal(missing.status, 404)
  assert.equal(missing.detail, 'No item 99')
  assert.equal(missing.code, undefined)
  assert.deepEqual(missing.issues, [])

  // A client typed against a route the server does not mount: the server's 404 comes through.
  const stale = createClient<[ApiRoute<'GET', '/gone', Record<never, never>, string>]>(baseUrl)
  const gone = await failure(() => stale.get('/gone'))
  assert.equal(gone.status, 404)
  assert.equal(gone.detail, 'API endpoint not found: GET /api/gone')
})

void test('a path parameter is encoded, and a missing one throws before any request', async (t) => {
  const { baseUrl } = await listen(t, config)
  const client = createClient<typeof routes>(baseUrl, { token: await sessionToken(baseUrl) })
  const error = await failure(() => client.get('/items/{id}', { params: { id: '1/../2' } }))
  assert.equal(error.status, 422)
  assert.equal(error.url, `${baseUrl}/api/items/1%2F..%2F2`)
  await assert.rejects(
    // @ts-expect-error: params are required for this path
    () => client.get('/items/{id}'),
    { name: 'TypeError', message: '/items/{id}: params.id is missing' },
  )
})
