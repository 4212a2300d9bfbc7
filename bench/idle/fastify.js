// Bare Fastify at idle, for `npm run bench:idle-memory`: one route, no logger.
import process from 'node:process'
import Fastify from 'fastify'

const app = Fastify()
app.get('/api/memory', () => process.memoryUsage())
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' })
