// A known path called with a method it does not serve answers 405 with Allow;
// HEAD works wherever GET does; OPTIONS says what a path allows when CORS is off.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { del, get, post } from 'dara-ts/http'
import { z } from 'zod'
import { buildApp, SECRET } from '../helpers/app.ts'
import { listen } from '../helpers/listen.ts'

function itemsConfig(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/items', { authenticated: false }, () => [{ id: 1 }]))
  config.addEndpoint(
    post('/items', { authenticated: false, body: z.object({ name: z.string() }) }, () => 'made'),
  )
  config.addEndpoint(get('/items/{id}', () => ({ id: 1 })))
  config.addEndpoint(del('/items/:key', () => null))
  return config
}

void test('a method the path does not serve answers 405 with Allow, before auth and body', async (t) => {
  const app = buildApp(t, itemsConfig())
  const put = await app.inject({
    method: 'PUT',
    url: '/api/items?x=1',
    headers: { 'content-type': 'application/json' },
    payload: '{not json',
  })
  assert.equal(put.statusCode, 405)
  assert.equal(put.headers['allow'], 'GET, HEAD, POST, OPTIONS')
  assert.equal(put.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(put.json(), {
    detail: 'PUT is not allowed on /api/items: call it with GET, HEAD, POST, OPTIONS',
    code: 'DARA_ERR_METHOD_NOT_ALLOWED',
  })

  // An authenticated path with parameters named two ways: one path, no token needed to learn it.
  const post405 = await app.inject({ method: 'POST', url: '/api/items/7' })
  assert.equal(post405.statusCode, 405)
  assert.equal(post405.headers['allow'], 'GET, HEAD, DELETE, OPTIONS')
  assert.deepEqual(post405.json(), {
    detail: 'POST is not allowed on /api/items/7: call it with GET, HEAD, DELETE, OPTIONS',
    code: 'DARA_ERR_METHOD_NOT_ALLOWED',
  })

  // An unknown path stays 404.
  const unknown = await app.inject({ method: 'PUT', url: '/api/nothing' })
  assert.equal(unknown.statusCode, 404)
  assert.deepEqual(unknown.json(), { detail: 'API endpoint not found: PUT /api/nothing' })
})

void test('framework routes answer 405 too', async (t) => {
  const app = buildApp(t, new ConfigurationBuilder())
  const res = await app.inject({ method: 'GET', url: '/api/auth/session' })
  assert.equal(res.statusCode, 405)
  assert.equal(res.headers['allow'], 'POST, OPTIONS')
  assert.deepEqual(res.json(), {
    detail: 'GET is not allowed on /api/auth/session: call it with POST, OPTIONS',
    code: 'DARA_ERR_METHOD_NOT_ALLOWED',
  })
})

void test('HEAD answers every GET with its headers and no body, auth included', async (t) => {
  const app = buildApp(t, itemsConfig())
  const head = await app.inject({ method: 'HEAD', url: '/api/items' })
  assert.equal(head.statusCode, 200)
  assert.equal(head.headers['content-type'], 'application/json; charset=utf-8')
  assert.equal(head.headers['content-length'], String(JSON.stringify([{ id: 1 }]).length))
  assert.equal(head.body, '')
  const refused = await app.inject({ method: 'HEAD', url: '/api/items/1' })
  assert.equal(refused.statusCode, 401)
  assert.equal(refused.body, '')
})

void test('OPTIONS answers 204 with Allow when CORS is off, on a real socket', async (t) => {
  const { baseUrl } = await listen(t, itemsConfig())
  const res = await fetch(`${baseUrl}/api/items`, { method: 'OPTIONS' })
  assert.equal(res.status, 204)
  assert.equal(res.headers.get('allow'), 'GET, HEAD, POST, OPTIONS')
  assert.equal(res.headers.get('access-control-allow-origin'), null)
  assert.equal(await res.text(), '')
  const put = await fetch(`${baseUrl}/api/items`, { method: 'PUT' })
  assert.equal(put.status, 405)
  assert.equal(put.headers.get('allow'), 'GET, HEAD, POST, OPTIONS')
  assert.deepEqual(await put.json(), {
    detail: 'PUT is not allowed on /api/items: call it with GET, HEAD, POST, OPTIONS',
    code: 'DARA_ERR_METHOD_NOT_ALLOWED',
  })
})

void test('with CORS on, OPTIONS stays a preflight and 405 leaves OPTIONS out', async (t) => {
  const app = createApp(itemsConfig(), {
    logger: false,
    secret: SECRET,
    cors: { origins: ['https://app.example'] },
  })
  t.after(() => app.close())
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/api/items',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  })
  assert.equal(preflight.statusCode, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example')
  assert.equal(
    preflight.headers['access-control-allow-methods'],
    'GET, HEAD, POST, PUT, PATCH, DELETE',
  )
  assert.equal(preflight.headers['allow'], undefined)
  const put = await app.inject({ method: 'PUT', url: '/api/items' })
  assert.equal(put.statusCode, 405)
  assert.equal(put.headers['allow'], 'GET, HEAD, POST')
})
