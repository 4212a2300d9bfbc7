// The inputs beside params/query/headers/body: cookies by schema, HTML form bodies
// validated by the body schema, and repeated query keys shaped as the schema asks.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get, post } from 'dara-ts/http'
import { z } from 'zod'
import { buildApp, SECRET } from '../helpers/app.ts'
import { listen } from '../helpers/listen.ts'

const JSON_TYPE = 'application/json; charset=utf-8'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

function inputsConfig(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/prefs',
      {
        authenticated: false,
        cookies: z.object({ theme: z.enum(['dark', 'light']), size: z.coerce.number().optional() }),
      },
      ({ cookies }) => cookies,
    ),
  )
  config.addEndpoint(get('/raw-cookies', { authenticated: false }, ({ cookies }) => cookies))
  config.addEndpoint(
    post(
      '/signup',
      {
        authenticated: false,
        body: z.object({
          name: z.string().min(1),
          age: z.coerce.number().int(),
          tags: z.array(z.string()).default([]),
        }),
      },
      ({ body }) => body,
    ),
  )
  config.addEndpoint(
    get(
      '/search',
      {
        authenticated: false,
        query: z.object({
          k: z.array(z.string()),
          page: z.coerce.number().optional(),
          ids: z.array(z.coerce.number()).optional(),
        }),
      },
      ({ query }) => query,
    ),
  )
  return config
}

void test('cookies are validated by their schema and typed in the handler', async (t) => {
  const app = buildApp(t, inputsConfig())
  const ok = await app.inject({
    method: 'GET',
    url: '/api/prefs',
    headers: { cookie: 'theme=dark; size=12; other=%7Bx%7D' },
  })
  assert.equal(ok.statusCode, 200)
  assert.equal(ok.headers['content-type'], JSON_TYPE)
  assert.deepEqual(ok.json(), { theme: 'dark', size: 12 })

  const bad = await app.inject({
    method: 'GET',
    url: '/api/prefs',
    headers: { cookie: 'theme=blue' },
  })
  assert.equal(bad.statusCode, 422)
  assert.deepEqual(bad.json(), {
    detail: [
      {
        in: 'cookie',
        path: ['theme'],
        code: 'invalid_value',
        message: 'Invalid option: expected one of "dark"|"light"',
      },
    ],
  })
  const none = await app.inject({ method: 'GET', url: '/api/prefs' })
  assert.equal(none.statusCode, 422)
  assert.deepEqual(none.json(), {
    detail: [
      {
        in: 'cookie',
        path: ['theme'],
        code: 'invalid_value',
        message: 'Invalid option: expected one of "dark"|"light"',
      },
    ],
  })
})

void test('without a schema, cookies arrive by name, decoded, first value kept', async (t) => {
  const app = buildApp(t, inputsConfig())
  const res = await app.inject({
    method: 'GET',
    url: '/api/raw-cookies',
    headers: { cookie: 'a=1; b=%E2%9C%93; a=2; __proto__=x; bad=%E0%A4%A; q="quoted"' },
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(
    res.json(),
    JSON.parse('{"a":"1","b":"✓","__proto__":"x","bad":"%E0%A4%A","q":"quoted"}'),
  )
  const empty = await app.inject({ method: 'GET', url: '/api/raw-cookies' })
  assert.deepEqual(empty.json(), {})
})

void test('a form body is parsed and validated by the body schema, on a real socket', async (t) => {
  const { baseUrl } = await listen(t, inputsConfig())
  const ok = await fetch(`${baseUrl}/api/signup`, {
    method: 'POST',
    body: new URLSearchParams([
      ['name', 'Ada'],
      ['age', '36'],
      ['tags', 'math'],
    ]),
  })
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { name: 'Ada', age: 36, tags: ['math'] })

  const many = await fetch(`${baseUrl}/api/signup`, {
    method: 'POST',
    headers: FORM,
    body: 'name=Ada&name=Grace&age=36&tags=a&tags=b',
  })
  assert.equal(many.status, 200)
  assert.deepEqual(await many.json(), { name: 'Grace', age: 36, tags: ['a', 'b'] })

  const bad = await fetch(`${baseUrl}/api/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'name=&age=old',
  })
  assert.equal(bad.status, 422)
  assert.deepEqual(await bad.json(), {
    detail: [
      {
        in: 'body',
        path: ['name'],
        code: 'too_small',
        message: 'Too small: expected string to have >=1 characters',
      },
      {
        in: 'body',
        path: ['age'],
        code: 'invalid_type',
        message: 'Invalid input: expected number, received NaN',
      },
    ],
  })
})

void test('a form body past the body limit is 413, an unknown body type still 415', async (t) => {
  const app = createApp(inputsConfig(), {
    logger: false,
    secret: SECRET,
    limits: { bodyLimit: 64 },
  })
  t.after(() => app.close())
  const big = await app.inject({
    method: 'POST',
    url: '/api/signup',
    headers: FORM,
    payload: `name=${'a'.repeat(100)}&age=1`,
  })
  assert.equal(big.statusCode, 413)
  assert.equal(big.headers['content-type'], JSON_TYPE)
  assert.deepEqual(big.json(), { detail: 'Request body is too large' })
  const text = await app.inject({
    method: 'POST',
    url: '/api/signup',
    headers: { 'content-type': 'text/csv' },
    payload: 'name,age',
  })
  assert.equal(text.statusCode, 415)
  assert.deepEqual(text.json(), { detail: 'Unsupported Media Type' })
})

void test('repeated query keys become lists where the schema wants one, and one value elsewhere', async (t) => {
  const app = buildApp(t, inputsConfig())
  const many = await app.inject({
    method: 'GET',
    url: '/api/search?k=a&k=b&ids=1&ids=2&page=1&page=3',
  })
  assert.equal(many.statusCode, 200)
  assert.deepEqual(many.json(), { k: ['a', 'b'], ids: [1, 2], page: 3 })
  const one = await app.inject({ method: 'GET', url: '/api/search?k=a&ids=7' })
  assert.equal(one.statusCode, 200)
  assert.deepEqual(one.json(), { k: ['a'], ids: [7] })
  const missing = await app.inject({ method: 'GET', url: '/api/search' })
  assert.equal(missing.statusCode, 422)
  assert.deepEqual(missing.json(), {
    detail: [
      {
        in: 'query',
        path: ['k'],
        code: 'invalid_type',
        message: 'Invalid input: expected array, received undefined',
      },
    ],
  })
})
