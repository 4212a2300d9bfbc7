// Baseline "Fastify + headers": plain Fastify sending the same four security
// headers as every dara-ts API answer, set as a careful Fastify user would (one
// onRequest hook, one prepared object). dara-ts hello is compared with it: the
// same work, so the difference is the framework's own cost.
import Fastify from 'fastify'
import { serve } from '../servers/listen.ts'

const BODY = JSON.stringify('Hello World')
const HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
}

const app = Fastify({ logger: false })
app.addHook('onRequest', (_request, reply, done) => {
  void reply.headers(HEADERS)
  done()
})
app.get('/api/hello', (_request, reply) => {
  void reply.type('application/json; charset=utf-8').send(BODY)
})

await serve(app)
