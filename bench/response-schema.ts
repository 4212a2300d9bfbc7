// A 20-field object answered by a route with `response` (Fastify's compiled
// serializer) against the same route without it (JSON.stringify). Production
// mode: the value is not checked, only filtered and written.
//   npx tsx bench/response-schema.ts [seconds per run, default 5] [rounds, default 3]
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { pickTool, type Sample } from './load.ts'

process.env['NODE_ENV'] = 'production'
const seconds = Number(process.argv[2] ?? 5)
const rounds = Number(process.argv[3] ?? 3)

const shape: Record<string, z.ZodType> = {}
const value: Record<string, unknown> = {}
for (let i = 0; i < 20; i++) {
  const kind = i % 4
  shape[`field${i}`] =
    kind === 0
      ? z.string()
      : kind === 1
        ? z.number()
        : kind === 2
          ? z.boolean()
          : z.array(z.string())
  value[`field${i}`] =
    kind === 0 ? `value number ${i}` : kind === 1 ? i * 1.5 : kind === 2 ? i % 8 === 2 : ['a', 'b']
}
const response = z.object(shape)

const config = new ConfigurationBuilder()
config.addEndpoint(get('/plain', { authenticated: false }, () => value))
config.addEndpoint(get('/typed', { authenticated: false, response }, () => value))
const app = createApp(config, { logger: false, secret: 'x'.repeat(32) })
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
if (typeof address !== 'object' || address === null) throw new Error('no address')
const base = `http://127.0.0.1:${address.port}`

for (const path of ['/api/plain', '/api/typed']) {
  const body = await (await fetch(base + path)).text()
  if (body !== JSON.stringify(value)) throw new Error(`${path} answered ${body}`)
}

const tool = pickTool(undefined)
const median = (samples: Sample[]): number =>
  samples.map((s) => s.rps).sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0
const plain: Sample[] = []
const typed: Sample[] = []
for (let round = 0; round < rounds; round++) {
  plain.push(await tool.run({ url: `${base}/api/plain`, method: 'GET' }, seconds))
  typed.push(await tool.run({ url: `${base}/api/typed`, method: 'GET' }, seconds))
}
await app.close()
const [p, t] = [median(plain), median(typed)]
console.log(`tool: ${tool.description}`)
console.log(`command: ${tool.commandFor({ url: `${base}/api/typed`, method: 'GET' }, seconds)}`)
console.log(`JSON.stringify   ${p.toFixed(0)} req/s (median of ${rounds})`)
console.log(`response schema  ${t.toFixed(0)} req/s (median of ${rounds})`)
console.log(`ratio            ${(t / p).toFixed(2)}`)
