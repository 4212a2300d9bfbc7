// Where the cold start of `dara start` goes, stage by stage, in one process:
//   node --import tsx bench/cold-start-stages.ts
// Each line is the time since the process started (performance.now()).
import { fileURLToPath } from 'node:url'

const mark = (label: string): void =>
  console.log(`${performance.now().toFixed(0).padStart(6)} ms  ${label}`)
mark('node started, tsx registered, this file compiled')
await import('fastify')
mark('fastify imported')
await import('pino')
mark('pino imported')
await import('zod')
mark('zod imported')
const { createApp } = await import('dara-ts')
mark('dara-ts imported')
const { loadEntry } = await import('../src/cli/load-entry.ts')
const config = await loadEntry(fileURLToPath(new URL('../examples/seed/main.ts', import.meta.url)))
mark('examples/seed/main.ts loaded')
const app = createApp(config, { logger: false, secret: 'cold-start-stages-secret-0123456789' })
mark('createApp()')
await app.listen({ port: 0, host: '127.0.0.1' })
mark('listening')
const response = await app.inject({ url: '/api/public' })
mark(`first request answered ${response.statusCode}`)
await app.close()
