// GET /api/openapi.json: a valid OpenAPI 3.1 document of exactly the app's
// routes, the framework's own and implicit ones included.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get, post } from 'dara-ts/http'
import { config } from '../../examples/api/main.ts'
import { bearer, buildApp, login, SECRET } from '../helpers/auth.ts'

type Operation = Record<string, unknown>
// A type alias, not an interface: the validator takes objects with an index signature.
type Document = {
  openapi: string
  info: { title: string; version: string }
  paths: Record<string, Record<string, Operation>>
  components: Record<string, unknown>
}

async function fetchDocument(app: ReturnType<typeof buildApp>): Promise<Document> {
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' })
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  return res.json<Document>()
}

function operations(doc: Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  )
}

void test('the document validates against the OpenAPI 3.1 schema', async (t) => {
  const doc = await fetchDocument(buildApp(t, config))
  const validator = new Validator()
  const result = await validator.validate(structuredClone(doc))
  assert.deepEqual(result.errors, undefined)
  assert.equal(result.valid, true)
  assert.equal(validator.version, '3.1')
  assert.deepEqual(doc.info, { title: 'Items API', version: '1.0.0' })
})

void test('it lists exactly the routes the app mounts, implicit and framework ones too', async (t) => {
  const app = buildApp(t, config)
  const doc = await fetchDocument(app)
  const mounted = app.routePlans.map(
    (plan) => `${plan.route.method} ${plan.path.replace(/:(\w+)/g, '{$1}')}`,
  )
  assert.deepEqual(operations(doc).sort(), mounted.sort())
  assert.deepEqual(operations(doc).sort(), [
    'DELETE /api/items/{id}',
    'GET /api/auth/user',
    'GET /api/core/health',
    'GET /api/core/ready',
    'GET /api/greetings',
    'GET /api/health',
    'GET /api/items',
    'GET /api/items/{id}',
    'POST /api/auth/admin/revoke',
    'POST /api/auth/admin/token',
    'POST /api/auth/refresh-token',
    'POST /api/auth/revoke-session',
    'POST /api/auth/session',
    'POST /api/auth/verify-session',
    'POST /api/items/{id}',
  ])
})

void test('an operation carries its schemas, summary, description and security', async (t) => {
  const doc = await fetchDocument(buildApp(t, config))
  const error = (description: string, schema = 'Error') => ({
    description,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  })
  const itemBody = {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
    required: ['name'],
  }
  const item = {
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
      name: { type: 'string' },
      owner: { type: 'string' },
    },
    required: ['id', 'name', 'owner'],
    additionalProperties: false,
  }
  assert.deepEqual(doc.paths['/api/items/{id}']?.['post'], {
    operationId: 'saveItem',
    summary: 'Creates or renames an item',
    description: 'The caller becomes the owner of a new item.',
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'integer', exclusiveMinimum: 0, maximum: 9007199254740991 },
      },
    ],
    // An object body may come as JSON or as an HTML form.
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: itemBody },
        'application/x-www-form-urlencoded': { schema: itemBody },
      },
    },
    responses: {
      '200': { description: 'Success', content: { 'application/json': { schema: item } } },
      '401': error('Missing, invalid or expired token'),
      '403': error('Not in a group, or a token without a scope, that the route needs'),
      '422': error('Invalid input', 'ValidationError'),
      '500': error('Internal error'),
    },
    security: [{ bearerAuth: ['items:write'] }],
  })
  assert.deepEqual(doc.paths['/api/greetings']?.['get']?.['security'], [{ bearerAuth: [] }])
  assert.deepEqual(doc.paths['/api/items']?.['get']?.['parameters'], [
    {
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', exclusiveMinimum: 0, maximum: 100, default: 20 },
    },
  ])
  assert.deepEqual(doc.paths['/api/health']?.['get']?.['security'], [])
  assert.deepEqual(doc.components['securitySchemes'], {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A token from POST /api/auth/session or `dara token create`',
    },
  })
})

void test('headers, url parameters without a schema and unrepresentable types', async (t) => {
  const app = new ConfigurationBuilder()
  app.addEndpoint(
    post(
      'orgs/:org//teams/{team}',
      {
        headers: z.object({ 'x-tenant': z.string(), authorization: z.string() }),
        body: z.object({ when: z.date() }).optional(),
      },
      function addTeam() {
        return null
      },
    ),
  )
  app.addEndpoint(get('/orgs/{org}', () => 'org'))
  const doc = await fetchDocument(buildApp(t, app))
  const operation = doc.paths['/api/orgs/{org}/teams/{team}']?.['post']
  assert.deepEqual(operation?.['parameters'], [
    { name: 'org', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'team', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'x-tenant', in: 'header', required: true, schema: { type: 'string' } },
  ])
  const when = { type: 'object', properties: { when: {} }, required: ['when'] }
  assert.deepEqual(operation?.['requestBody'], {
    required: false,
    content: {
      'application/json': { schema: when },
      'application/x-www-form-urlencoded': { schema: when },
    },
  })
  // A handler without a name gets an id from its method and path; ids stay unique.
  assert.equal(doc.paths['/api/orgs/{org}']?.['get']?.['operationId'], 'getOrgsOrg')
  const result = await new Validator().validate(structuredClone(doc))
  assert.equal(result.valid, true, JSON.stringify(result.errors))
})

void test('config.docs(false) and production turn both off; a later call turns them on', async (t) => {
  const off = new ConfigurationBuilder()
  off.docs(false)
  const app = buildApp(t, off)
  for (const url of ['/api/openapi.json', '/api/docs', '/api/docs/swagger-ui.css']) {
    const res = await app.inject({ method: 'GET', url })
    assert.equal(res.statusCode, 404)
    assert.deepEqual(res.json(), { detail: `API endpoint not found: GET ${url}` })
  }

  const previous = process.env['NODE_ENV']
  process.env['NODE_ENV'] = 'production'
  t.after(() => {
    if (previous === undefined) delete process.env['NODE_ENV']
    else process.env['NODE_ENV'] = previous
  })
  const prod = buildApp(t, new ConfigurationBuilder())
  assert.equal((await prod.inject({ method: 'GET', url: '/api/docs' })).statusCode, 404)
  const on = new ConfigurationBuilder()
  on.docs(false)
  on.docs({ enabled: true, title: 'In production' })
  const res = await buildApp(t, on).inject({ method: 'GET', url: '/api/docs' })
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /<title>In production<\/title>/)
})

void test('docs({ authenticated: true }) asks for a token, like any authenticated endpoint', async (t) => {
  const builder = new ConfigurationBuilder()
  builder.docs({ authenticated: true })
  const app = buildApp(t, builder)
  for (const url of ['/api/openapi.json', '/api/docs', '/api/docs/swagger-ui-bundle.js']) {
    const refused = await app.inject({ method: 'GET', url })
    assert.equal(refused.statusCode, 401, url)
    assert.equal(refused.json<{ code: string }>().code, 'DARA_ERR_AUTH_NO_CREDENTIALS')
  }
  const token = await login(app)
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json<Document>().openapi, '3.1.1')
})

void test('the docs page serves only its own assets, by name', async (t) => {
  const app = buildApp(t, new ConfigurationBuilder())
  const css = await app.inject({ method: 'GET', url: '/api/docs/swagger-ui.css' })
  assert.equal(css.statusCode, 200)
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8')
  assert.match(css.body, /\.swagger-ui/)
  const slash = await app.inject({ method: 'GET', url: '/api/docs/' })
  assert.equal(slash.statusCode, 301)
  assert.equal(slash.headers.location, '../docs')
  for (const name of ['constructor', '..%2Fpackage.json', 'index.html', 'swagger-ui.js.map']) {
    const res = await app.inject({ method: 'GET', url: `/api/docs/${name}` })
    assert.equal(res.statusCode, 404, name)
    assert.deepEqual(res.json(), { detail: `No docs asset ${decodeURIComponent(name)}` })
  }
})

void test('a user route on the docs paths stops the start', () => {
  for (const url of ['/docs', 'openapi.json']) {
    const builder = new ConfigurationBuilder()
    builder.addEndpoint(get(url, () => 'mine'))
    const path = `/api/${url.replace(/^\//, '')}`
    assert.throws(() => createApp(builder, { logger: false, secret: SECRET }), {
      name: 'DaraError',
      message: `DARA_ERR_ROUTE_RESERVED: GET ${path} lies under ${path}/, which belongs to dara-ts. Move the endpoint to another path, for example /api/app-${path.slice(5)}.`,
    })
  }
})

void test('the probes are documented: no security, their answers, and 503 for readiness', async (t) => {
  const doc = await fetchDocument(buildApp(t, config))
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  })
  assert.deepEqual(doc.paths['/api/core/health'], {
    get: {
      operationId: 'health',
      summary: 'Liveness: the process answers',
      description: 'Answers 200 `{ "status": "ok" }` whenever the process does.',
      parameters: [],
      responses: {
        '200': { description: 'Success', content: { 'application/json': { schema: {} } } },
        '500': error('Internal error'),
      },
      security: [],
    },
  })
  assert.deepEqual(doc.paths['/api/core/ready'], {
    get: {
      operationId: 'ready',
      summary: 'Readiness: the app serves and its session store answers',
      description:
        'Answers 200 `{ "status": "ready" }`, or 503 `{ "detail", "code": "DARA_ERR_NOT_READY" }` with the reason: the session store is unavailable, or the server is shutting down.',
      parameters: [],
      responses: {
        '200': { description: 'Success', content: { 'application/json': { schema: {} } } },
        '500': error('Internal error'),
        '503': error('Not ready: the session store is unavailable, or shutting down'),
      },
      security: [],
    },
  })
})
