// Baseline "fastify + jose": plain Fastify with an onRequest hook that checks
// the Bearer HS256 JWT that dara-ts issues, with jose and a key imported once:
// the work dara-ts does for an authenticated route, written by hand.
import Fastify from 'fastify'
import { jwtVerify, type JWTPayload } from 'jose'
import { benchSecret, serve } from '../servers/listen.ts'

const BODY = JSON.stringify('Hello World')
const key = await crypto.subtle.importKey(
  'raw',
  new TextEncoder().encode(benchSecret()),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
)

// The verified claims, kept beside the request as dara-ts keeps its identity.
const claims = new WeakMap<object, JWTPayload>()

const app = Fastify({ logger: false })
app.addHook('onRequest', async (request, reply) => {
  const header = request.headers.authorization
  if (header === undefined || !header.startsWith('Bearer ')) {
    return reply.code(401).send({ detail: 'Bearer token required' })
  }
  try {
    const { payload } = await jwtVerify(header.slice(7).trim(), key, {
      algorithms: ['HS256'],
      issuer: 'dara-ts',
      requiredClaims: ['sub', 'sid', 'exp'],
    })
    claims.set(request, payload)
  } catch {
    return reply.code(401).send({ detail: 'Invalid token' })
  }
})
app.get('/api/hello-auth', async (_request, reply) => {
  reply.type('application/json; charset=utf-8')
  return BODY
})

await serve(app)
