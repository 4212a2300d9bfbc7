// Bare Fastify, the cold-start baseline: one route, no logger, listening on the
// port given as the first argument.
import process from 'node:process'
import Fastify from 'fastify'

const app = Fastify()
app.get('/api/public', () => 'Hello World')
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' })
