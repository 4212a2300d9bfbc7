// Baseline "fastify": plain Fastify answering the same bytes as dara-ts, the
// JSON string "Hello World", at the same path.
import Fastify from 'fastify'
import { serve } from '../servers/listen.ts'

const BODY = JSON.stringify('Hello World')

const app = Fastify({ logger: false })
app.get('/api/hello', async (_request, reply) => {
  reply.type('application/json; charset=utf-8')
  return BODY
})

await serve(app)
