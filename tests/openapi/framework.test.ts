// The framework's own routes in the OpenAPI document: login's body and answer,
// their error answers with the codes they carry, summaries under /api/core.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { ConfigurationBuilder } from 'dara-ts'
import { buildApp } from '../helpers/auth.ts'

type Operation = Record<string, unknown> & { responses: Record<string, unknown> }
type Document = { paths: Record<string, Record<string, Operation>> }

const coded = (description: string, codes: string[]) => ({
  description: `${description}: ${codes.join(', ')}`,
  content: {
    'application/json': {
      schema: {
        allOf: [
          { $ref: '#/components/schemas/Error' },
          { type: 'object', properties: { code: { enum: codes } }, required: ['code'] },
        ],
      },
    },
  },
})

void test('login, refresh and session routes carry bodies, answers and coded errors', async (t) => {
  const config = new ConfigurationBuilder()
  config.enableMetrics({ token: 'x'.repeat(32) })
  const app = buildApp(t, config)
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<Document>()
  const result = await new Validator().validate(structuredClone(doc))
  assert.equal(result.valid, true, JSON.stringify(result.errors))

  const login = doc.paths['/api/auth/session']?.['post']
  assert.equal(login?.['summary'], 'Log in: a token pair, and the session cookie')
  assert.deepEqual(login?.['requestBody'], {
    required: false,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          description:
            'With basic auth, the credentials; the default (anonymous) auth takes no body.',
          properties: { username: { type: 'string' }, password: { type: 'string' } },
        },
      },
    },
  })
  const pair = login?.responses['200'] as { content: Record<string, { schema: unknown }> }
  assert.deepEqual(pair.content['application/json']?.schema, {
    type: 'object',
    properties: {
      token: { type: 'string', description: 'A JWT to send as `Authorization: Bearer <token>`' },
      refreshToken: {
        type: 'string',
        description: 'Trade it at POST /api/auth/refresh-token, once',
      },
      expiresIn: { type: 'integer', description: 'Seconds the token lives' },
    },
    required: ['token', 'refreshToken', 'expiresIn'],
  })
  assert.deepEqual(Object.keys(login?.responses ?? {}).sort(), [
    '200',
    '400',
    '401',
    '403',
    '429',
    '500',
    '503',
  ])
  assert.deepEqual(
    login?.responses['401'],
    coded('Missing, invalid or expired credentials', [
      'DARA_ERR_AUTH_LOGIN_MISSING',
      'DARA_ERR_AUTH_LOGIN_FAILED',
    ]),
  )
  assert.deepEqual(
    login?.responses['429'],
    coded('Too many attempts: wait for Retry-After', ['DARA_ERR_AUTH_RATE_LIMITED']),
  )

  const refresh = doc.paths['/api/auth/refresh-token']?.['post']
  assert.equal((refresh?.['requestBody'] as { required: boolean }).required, true)
  assert.deepEqual(
    refresh?.responses['401'],
    coded('Missing, invalid or expired credentials', [
      'DARA_ERR_AUTH_REFRESH_INVALID',
      'DARA_ERR_AUTH_REFRESH_REUSED',
    ]),
  )

  assert.equal(
    doc.paths['/api/core/metrics']?.['get']?.['summary'],
    'Request and process metrics, in Prometheus text format',
  )

  // An authenticated framework route lists every reason auth may refuse.
  const user = doc.paths['/api/auth/user']?.['get']
  assert.deepEqual(
    user?.responses['401'],
    coded('Missing, invalid or expired credentials', [
      'DARA_ERR_AUTH_NO_CREDENTIALS',
      'DARA_ERR_AUTH_SCHEME',
      'DARA_ERR_AUTH_MALFORMED',
      'DARA_ERR_AUTH_INVALID',
      'DARA_ERR_AUTH_EXPIRED',
      'DARA_ERR_AUTH_REVOKED',
      'DARA_ERR_AUTH_SESSION_UNKNOWN',
      'DARA_ERR_AUTH_SESSION_EXPIRED',
    ]),
  )
  assert.deepEqual(
    user?.responses['403'],
    coded('Refused', ['DARA_ERR_AUTH_CSRF', 'DARA_ERR_AUTH_FORBIDDEN', 'DARA_ERR_AUTH_SCOPE']),
  )
})
