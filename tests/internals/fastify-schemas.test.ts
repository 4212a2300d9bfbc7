// dara-ts loads Fastify's response-schema compiler only when a route needs it;
// a Fastify route that a plugin adds with JSON schemas still gets both.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { ConfigurationBuilder } from 'dara-ts'
import { buildApp } from '../helpers/app.ts'

void test("a plugin's route keeps Fastify's JSON-schema validation and response serialization", async (t) => {
  const config = new ConfigurationBuilder()
  config.addMiddleware(function legacyRoutes(app: FastifyInstance, _options, done) {
    app.get<{ Params: { id: number } }>(
      '/legacy/:id',
      {
        schema: {
          params: { type: 'object', properties: { id: { type: 'integer' } } },
          headers: {
            type: 'object',
            properties: { 'X-Client': { type: 'string' } },
            required: ['X-Client'],
          },
          response: {
            200: { type: 'object', properties: { id: { type: 'integer' } } },
          },
        },
      },
      (request, reply) => {
        void reply.send({ id: request.params.id, secret: 'dropped by the schema' })
      },
    )
    done()
  })
  const app = buildApp(t, config)

  const ok = await app.inject({ url: '/legacy/7', headers: { 'x-client': 'cli' } })
  assert.equal(ok.statusCode, 200)
  assert.equal(ok.body, '{"id":7}')

  const noHeader = await app.inject({ url: '/legacy/7' })
  assert.equal(noHeader.statusCode, 400)
  assert.deepEqual(noHeader.json(), { detail: "headers must have required property 'x-client'" })
})
