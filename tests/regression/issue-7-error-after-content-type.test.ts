// A handler that set a content type of its own (text/plain, or a web Response's)
// and then failed got Fastify's own error body, `{ statusCode, code, error,
// message }` naming Fastify internals, instead of `{ detail }`: the error
// object could not be sent as text/plain. Found by the reliability suite's
// fault cases.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { get, HttpError } from 'dara-ts/http'
import { buildApp } from '../helpers/auth.ts'

void test('an error after the handler set a content type still answers JSON { detail }', async (t) => {
  const config = new ConfigurationBuilder()
  const open = { authenticated: false } as const
  config.addEndpoint(
    get('/conflict', open, ({ reply }) => {
      void reply.type('text/plain')
      throw new HttpError(409, 'Already there')
    }),
  )
  config.addEndpoint(
    get('/fault', open, ({ reply }) => {
      void reply.type('text/csv')
      throw new Error('app bug')
    }),
  )
  config.addEndpoint(
    get('/response', open, () => {
      const body = new ReadableStream({
        pull(controller) {
          controller.error(new Error('source failed'))
        },
      })
      return new Response(body, { headers: { 'content-type': 'text/plain' } })
    }),
  )
  const app = buildApp(t, config)
  for (const [url, status, body] of [
    ['/api/conflict', 409, { detail: 'Already there' }],
    ['/api/fault', 500, { detail: 'Internal Server Error' }],
    ['/api/response', 500, { detail: 'Internal Server Error' }],
  ] as const) {
    const res = await app.inject({ method: 'GET', url })
    assert.equal(res.statusCode, status, url)
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', url)
    assert.deepEqual(res.json(), body, url)
  }
})
