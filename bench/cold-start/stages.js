// Where a compiled dara-ts app's cold start goes, stage by stage, beside bare
// Fastify's, in one process each (after `npm run build`; outside npm scripts,
// so that `dara-ts` is the compiled package):
//   node bench/cold-start/stages.js dara
//   node bench/cold-start/stages.js fastify
// Each line is the time since the process started (performance.now()), with
// Node's compile cache on as `dara start` turns it on.
import module from 'node:module'
import console from 'node:console'
import { performance } from 'node:perf_hooks'
import process from 'node:process'

module.enableCompileCache?.()
const marks = []
const mark = (label) => marks.push([label, performance.now()])
mark('node started')
const { default: Fastify } = await import('fastify')
mark('fastify imported')
if (process.argv[2] === 'fastify') {
  const app = Fastify()
  app.get('/api/public', () => 'Hello World')
  mark('app made')
  await app.listen({ port: 0, host: '127.0.0.1' })
  mark('listening')
  await app.inject({ url: '/api/public' })
  mark('first request answered')
  await app.close()
} else {
  await import('pino')
  mark('pino imported')
  await import('zod')
  mark('zod imported')
  const { ConfigurationBuilder, createApp } = await import('dara-ts')
  const { get } = await import('dara-ts/http')
  mark('dara-ts imported')
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/public', { authenticated: false }, () => 'Hello World'))
  const app = createApp(config, { logger: false, secret: 'cold-start-stages-secret-0123456789' })
  mark('createApp()')
  await app.listen({ port: 0, host: '127.0.0.1' })
  mark('listening')
  await app.inject({ url: '/api/public' })
  mark('first request answered')
  await app.close()
}
let previous = 0
for (const [label, at] of marks) {
  console.log(
    `${at.toFixed(0).padStart(6)} ms  +${(at - previous).toFixed(0).padStart(4)} ms  ${label}`,
  )
  previous = at
}
