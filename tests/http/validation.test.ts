// Input validation with zod (params, query, headers, body: 422 with every field
// error) and the body parser's refusals (400, 413, 415), each with one body shape.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { dependency, get, post, put } from 'dara-ts/http'
import { buildApp, call, callGet } from '../helpers/app.ts'

const JSON_HEADERS = { 'content-type': 'application/json' }

void test('an invalid path parameter answers 422 with the field, and the handler never runs', async (t) => {
  let ran = 0
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/items/{id}', { params: z.object({ id: z.coerce.number().int() }) }, ({ params }) => {
      ran++
      return params
    }),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/items/abc')
  assert.equal(res.statusCode, 422)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(res.json(), {
    detail: [
      {
        in: 'path',
        path: ['id'],
        code: 'invalid_type',
        message: 'Invalid input: expected number, received NaN',
      },
    ],
  })
  const fraction = await callGet(app, '/api/items/1.5')
  assert.equal(fraction.statusCode, 422)
  assert.deepEqual(fraction.json(), {
    detail: [
      {
        in: 'path',
        path: ['id'],
        code: 'invalid_type',
        message: 'Invalid input: expected int, received number',
      },
    ],
  })
  assert.equal(ran, 0)
})

void test('an invalid query answers 422 naming the query field', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/search',
      { query: z.object({ q: z.string().min(2), limit: z.coerce.number().max(10) }) },
      ({ query }) => query,
    ),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/search?q=a&limit=50')
  assert.equal(res.statusCode, 422)
  assert.deepEqual(res.json(), {
    detail: [
      {
        in: 'query',
        path: ['q'],
        code: 'too_small',
        message: 'Too small: expected string to have >=2 characters',
      },
      {
        in: 'query',
        path: ['limit'],
        code: 'too_big',
        message: 'Too big: expected number to be <=10',
      },
    ],
  })
})

void test('an invalid header answers 422 with in: header', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/keyed', { headers: z.object({ 'x-api-key': z.string().length(8) }) }, ({ headers }) => ({
      key: headers['x-api-key'],
    })),
  )
  const app = buildApp(t, config)

  const missing = await callGet(app, '/api/keyed')
  assert.equal(missing.statusCode, 422)
  assert.deepEqual(missing.json(), {
    detail: [
      {
        in: 'header',
        path: ['x-api-key'],
        code: 'invalid_type',
        message: 'Invalid input: expected string, received undefined',
      },
    ],
  })
  // Header names arrive in lower case, whatever the client wrote.
  const ok = await call(app, {
    method: 'GET',
    url: '/api/keyed',
    headers: { 'X-Api-Key': '12345678' },
  })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { key: '12345678' })
})

void test('an invalid body answers 422 with the path inside the body', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post(
      '/users',
      {
        body: z.object({
          name: z.string(),
          address: z.object({ city: z.string() }),
          tags: z.array(z.string()),
        }),
      },
      ({ body }) => body,
    ),
  )
  const app = buildApp(t, config)

  const res = await call(app, {
    method: 'POST',
    url: '/api/users',
    payload: { name: 7, address: { city: null }, tags: ['a', 2] },
  })
  assert.equal(res.statusCode, 422)
  assert.deepEqual(res.json(), {
    detail: [
      {
        in: 'body',
        path: ['name'],
        code: 'invalid_type',
        message: 'Invalid input: expected string, received number',
      },
      {
        in: 'body',
        path: ['address', 'city'],
        code: 'invalid_type',
        message: 'Invalid input: expected string, received null',
      },
      {
        in: 'body',
        path: ['tags', 1],
        code: 'invalid_type',
        message: 'Invalid input: expected string, received number',
      },
    ],
  })

  const none = await call(app, { method: 'POST', url: '/api/users' })
  assert.equal(none.statusCode, 422)
  assert.deepEqual(none.json(), {
    detail: [
      {
        in: 'body',
        path: [],
        code: 'invalid_type',
        message: 'Invalid input: expected object, received undefined',
      },
    ],
  })
})

void test('every location is checked before answering: one 422 lists them all', async (t) => {
  let ran = false
  const check = dependency(() => {
    ran = true
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    put(
      '/items/{id}',
      {
        dependencies: [check],
        params: z.object({ id: z.coerce.number() }),
        query: z.object({ dry: z.enum(['yes', 'no']) }),
        headers: z.object({ 'x-version': z.string().regex(/^\d+$/) }),
        body: z.object({ name: z.string() }),
      },
      () => {
        ran = true
        return 'updated'
      },
    ),
  )
  const app = buildApp(t, config)

  const res = await call(app, {
    method: 'PUT',
    url: '/api/items/abc?dry=maybe',
    headers: { 'x-version': 'v2' },
    payload: { name: ['not', 'a', 'string'] },
  })
  assert.equal(res.statusCode, 422)
  assert.deepEqual(res.json(), {
    detail: [
      {
        in: 'path',
        path: ['id'],
        code: 'invalid_type',
        message: 'Invalid input: expected number, received NaN',
      },
      {
        in: 'query',
        path: ['dry'],
        code: 'invalid_value',
        message: 'Invalid option: expected one of "yes"|"no"',
      },
      {
        in: 'header',
        path: ['x-version'],
        code: 'invalid_format',
        message: 'Invalid string: must match pattern /^\\d+$/',
      },
      {
        in: 'body',
        path: ['name'],
        code: 'invalid_type',
        message: 'Invalid input: expected string, received array',
      },
    ],
  })
  assert.equal(ran, false, 'neither the dependency nor the handler ran')
})

void test('valid input reaches the handler as the schemas output it', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post(
      '/items/{id}',
      {
        params: z.object({ id: z.coerce.number() }),
        query: z.object({
          limit: z.coerce.number().default(10),
          verbose: z.enum(['true', 'false']).transform((v) => v === 'true'),
          tags: z.array(z.string()).optional(),
        }),
        headers: z.object({ 'x-version': z.coerce.number() }),
        body: z.object({ name: z.string().trim().toUpperCase(), at: z.coerce.date() }),
      },
      ({ params, query, headers, body }) => ({
        id: params.id,
        idType: typeof params.id,
        query,
        headers,
        name: body.name,
        year: body.at.getUTCFullYear(),
      }),
    ),
  )
  const app = buildApp(t, config)

  const res = await call(app, {
    method: 'POST',
    url: '/api/items/12?verbose=true&tags=a&tags=b&ignored=1',
    headers: { 'x-version': '3' },
    payload: { name: '  ada ', at: '2024-05-01T00:00:00Z', extra: 'dropped' },
  })
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual(res.json(), {
    id: 12,
    idType: 'number',
    query: { limit: 10, verbose: true, tags: ['a', 'b'] },
    // z.object() strips what it does not declare, authorization included.
    headers: { 'x-version': 3 },
    name: 'ADA',
    year: 2024,
  })
})

void test('without schemas the handler gets the raw params, query, headers and body', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/raw/{id}', ({ params, query, headers, body }) => ({
      params,
      query,
      header: headers['x-one'],
      body: body ?? null,
    })),
  )
  const app = buildApp(t, config)

  const res = await call(app, {
    method: 'POST',
    url: '/api/raw/7?a=1&a=2&b=x',
    headers: { 'x-one': '1' },
    payload: { nested: { list: [1] } },
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), {
    params: { id: '7' },
    query: { a: ['1', '2'], b: 'x' },
    header: '1',
    body: { nested: { list: [1] } },
  })
  const text = await call(app, {
    method: 'POST',
    url: '/api/raw/8',
    headers: { 'content-type': 'text/plain' },
    payload: 'plain words',
  })
  assert.equal(text.statusCode, 200)
  assert.deepEqual(text.json(), { params: { id: '8' }, query: {}, body: 'plain words' })
})

void test('auth runs before validation: a caller without a token gets 401, not 422', async (t) => {
  let ran = false
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/strict', { body: z.object({ name: z.string() }) }, () => {
      ran = true
      return 'ok'
    }),
  )
  const app = buildApp(t, config)

  const res = await app.inject({ method: 'POST', url: '/api/strict', payload: { name: 1 } })
  assert.equal(res.statusCode, 401)
  assert.equal(res.json<{ code: string }>().code, 'DARA_ERR_AUTH_NO_CREDENTIALS')
  assert.equal(ran, false)
})

void test('a body that is not valid JSON answers 400 with a detail', async (t) => {
  let ran = false
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/echo', ({ body }) => {
      ran = true
      return body
    }),
  )
  const app = buildApp(t, config)

  const res = await call(app, {
    method: 'POST',
    url: '/api/echo',
    headers: JSON_HEADERS,
    payload: '{"name": ',
  })
  assert.equal(res.statusCode, 400)
  assert.deepEqual(res.json(), {
    detail: "Body is not valid JSON but content-type is set to 'application/json'",
  })
  const empty = await call(app, {
    method: 'POST',
    url: '/api/echo',
    headers: JSON_HEADERS,
    payload: '',
  })
  assert.equal(empty.statusCode, 400)
  assert.deepEqual(empty.json(), {
    detail: "Body cannot be empty when content-type is set to 'application/json'",
  })
  assert.equal(ran, false)
})

void test('a body of an unsupported content type answers 415 with a detail', async (t) => {
  let ran = false
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/echo', ({ body }) => {
      ran = true
      return body
    }),
  )
  const app = buildApp(t, config)

  // Form bodies are parsed since issue 15 (tests/http/inputs.test.ts).
  for (const type of ['application/xml', 'text/csv', 'image/png']) {
    const res = await call(app, {
      method: 'POST',
      url: '/api/echo',
      headers: { 'content-type': type },
      payload: 'a=1',
    })
    assert.equal(res.statusCode, 415, type)
    assert.deepEqual(res.json(), { detail: 'Unsupported Media Type' }, type)
  }
  assert.equal(ran, false)
})

void test('a body over 1 MiB answers 413 with a detail; 1 MiB itself is accepted', async (t) => {
  let received = 0
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/upload', ({ body }) => {
      received = typeof body === 'string' ? body.length : -1
      return { received }
    }),
  )
  const app = buildApp(t, config)
  const limit = 1024 * 1024

  const json = JSON.stringify({ data: 'x'.repeat(limit) })
  const tooLarge = await call(app, {
    method: 'POST',
    url: '/api/upload',
    headers: JSON_HEADERS,
    payload: json,
  })
  assert.equal(tooLarge.statusCode, 413)
  assert.deepEqual(tooLarge.json(), { detail: 'Request body is too large' })

  const textTooLarge = await call(app, {
    method: 'POST',
    url: '/api/upload',
    headers: { 'content-type': 'text/plain' },
    payload: 'y'.repeat(limit + 1),
  })
  assert.equal(textTooLarge.statusCode, 413)
  assert.deepEqual(textTooLarge.json(), { detail: 'Request body is too large' })
  assert.equal(received, 0, 'the handler never ran')

  const atLimit = await call(app, {
    method: 'POST',
    url: '/api/upload',
    headers: { 'content-type': 'text/plain' },
    payload: 'y'.repeat(limit),
  })
  assert.equal(atLimit.statusCode, 200)
  assert.deepEqual(atLimit.json(), { received: limit })
})

void test('__proto__ or constructor.prototype in a JSON body answers 400, never 500', async (t) => {
  const seen: unknown[] = []
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/merge', ({ body }) => {
      seen.push(body)
      return 'merged'
    }),
  )
  config.addEndpoint(
    post('/merge-checked', { body: z.record(z.string(), z.unknown()) }, ({ body }) => {
      seen.push(body)
      return 'merged'
    }),
  )
  const app = buildApp(t, config)

  const payloads = [
    '{"__proto__": {"isAdmin": true}}',
    '{"safe": 1, "nested": {"__proto__": {"isAdmin": true}}}',
    '{"constructor": {"prototype": {"isAdmin": true}}}',
    '[{"__proto__": {"isAdmin": true}}]',
  ]
  for (const url of ['/api/merge', '/api/merge-checked']) {
    for (const payload of payloads) {
      const res = await call(app, { method: 'POST', url, headers: JSON_HEADERS, payload })
      assert.equal(res.statusCode, 400, `${url} ${payload}`)
      assert.deepEqual(res.json(), {
        detail: "Body is not valid JSON but content-type is set to 'application/json'",
      })
    }
  }
  assert.deepEqual(seen, [])
  assert.equal(({} as Record<string, unknown>)['isAdmin'], undefined)
})
