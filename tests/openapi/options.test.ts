// The documentation options of a route, its answers by status and its cookie
// inputs, in the OpenAPI document, which still validates as 3.1.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { get, post } from 'dara-ts/http'
import { buildApp } from '../helpers/auth.ts'

type Document = {
  openapi: string
  paths: Record<string, Record<string, Record<string, unknown>>>
  components: Record<string, unknown>
}

const item = z.object({ id: z.number().int(), name: z.string() })

void test('tags, summary, description, deprecated, operationId, status and cookies are documented', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post(
      '/items',
      {
        body: z.object({ name: z.string() }),
        response: item,
        status: 201,
        tags: ['items'],
        summary: 'Create an item',
        description: 'The caller owns it.',
        deprecated: true,
        operationId: 'createItem',
        cookies: z.object({ theme: z.enum(['dark', 'light']).optional() }),
      },
      () => ({ id: 1, name: 'x' }),
    ),
  )
  config.addEndpoint(
    get(
      '/items/{id}',
      { authenticated: false, response: { 200: item, 202: z.object({ queued: z.boolean() }) } },
      function readItem() {
        return { id: 1, name: 'x' }
      },
    ),
  )
  config.addEndpoint(post('/ping', { authenticated: false, status: 204 }, () => undefined))
  const app = buildApp(t, config)
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' })
  assert.equal(res.statusCode, 200)
  const doc = res.json<Document>()
  const result = await new Validator().validate(structuredClone(doc))
  assert.equal(result.valid, true, JSON.stringify(result.errors))

  const itemSchema = {
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
      name: { type: 'string' },
    },
    required: ['id', 'name'],
    additionalProperties: false,
  }
  const create = doc.paths['/api/items']?.['post']
  assert.equal(create?.['operationId'], 'createItem')
  assert.equal(create?.['summary'], 'Create an item')
  assert.equal(create?.['description'], 'The caller owns it.')
  assert.deepEqual(create?.['tags'], ['items'])
  assert.equal(create?.['deprecated'], true)
  assert.deepEqual(create?.['parameters'], [
    {
      name: 'theme',
      in: 'cookie',
      required: false,
      schema: { type: 'string', enum: ['dark', 'light'] },
    },
  ])
  const responses = create?.['responses'] as Record<string, unknown>
  assert.deepEqual(Object.keys(responses), ['201', '401', '422', '500'])
  assert.deepEqual(responses['201'], {
    description: 'Success',
    content: { 'application/json': { schema: itemSchema } },
  })

  const read = doc.paths['/api/items/{id}']?.['get']
  assert.equal(read?.['operationId'], 'readItem')
  assert.equal(read?.['deprecated'], undefined)
  assert.deepEqual(read?.['responses'], {
    '200': { description: 'Success', content: { 'application/json': { schema: itemSchema } } },
    '202': {
      description: 'Success',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { queued: { type: 'boolean' } },
            required: ['queued'],
            additionalProperties: false,
          },
        },
      },
    },
    '500': {
      description: 'Internal error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  })
  const ping = doc.paths['/api/ping']?.['post']
  assert.deepEqual((ping?.['responses'] as Record<string, unknown>)['204'], {
    description: 'Success, no content',
  })
})

void test('a route with files has a multipart/form-data body: binary files beside the body fields', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post(
      '/reports',
      {
        files: { report: { accept: '.csv,text/csv' }, images: { many: true, optional: true } },
        body: z.object({ title: z.string() }),
      },
      () => 'ok',
    ),
  )
  const app = buildApp(t, config)
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<Document>()
  const result = await new Validator().validate(structuredClone(doc))
  assert.equal(result.valid, true, JSON.stringify(result.errors))
  const operation = doc.paths['/api/reports']?.['post']
  const binary = { type: 'string', contentMediaType: 'application/octet-stream' }
  assert.deepEqual(operation?.['requestBody'], {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            title: { type: 'string' },
            report: binary,
            images: { type: 'array', items: binary },
          },
          required: ['title', 'report'],
        },
        encoding: { report: { contentType: 'text/csv' } },
      },
    },
  })
  assert.deepEqual(Object.keys(operation?.['responses'] as object), [
    '200',
    '401',
    '413',
    '415',
    '422',
    '500',
  ])
})
