// `npx tsx bench/typecheck-client.ts [--routes 300]`: how much the typed client
// costs the compiler. Generates an app of N routes (half GET with params and a
// response schema, half POST with a body), once alone and once with a client
// call per route, and prints tsc's instantiation count and check time for each.
// The generated files go to test-output/ (ignored by git).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = `${ROOT}test-output/typecheck-client`
const { values } = parseArgs({ options: { routes: { type: 'string', default: '300' } } })
const count = Number(values.routes)

function source(withCalls: boolean): string {
  const lines = [
    "import { z } from 'zod'",
    "import { get, post } from 'dara-ts/http'",
    "import { createClient } from 'dara-ts/client'",
  ]
  for (let i = 0; i < count; i++) {
    lines.push(
      i % 2 === 0
        ? `export const r${i} = get('/res${i}/{id}', { params: z.object({ id: z.coerce.number() }), response: z.object({ id: z.number(), v${i}: z.string() }) }, ({ params }) => ({ id: params.id, v${i}: 'x' }))`
        : `export const r${i} = post('/res${i}', { body: z.object({ name: z.string(), n${i}: z.number() }) }, ({ body }) => body)`,
    )
  }
  lines.push(
    `export const routes = { ${Array.from({ length: count }, (_, i) => `r${i}`).join(', ')} }`,
  )
  lines.push("export const client = createClient<typeof routes>('http://127.0.0.1:8000')")
  if (withCalls) {
    lines.push('export async function callAll() {')
    for (let i = 0; i < count; i++) {
      lines.push(
        i % 2 === 0
          ? `  const a${i} = await client.get('/res${i}/{id}', { params: { id: 1 } }); void a${i}.v${i}`
          : `  const b${i} = await client.post('/res${i}', { body: { name: 'a', n${i}: 1 } }); void b${i}.n${i}`,
      )
    }
    lines.push('}')
  }
  return `${lines.join('\n')}\n`
}

function measure(name: string, withCalls: boolean): { instantiations: string; check: string } {
  mkdirSync(OUT, { recursive: true })
  writeFileSync(`${OUT}/${name}.ts`, source(withCalls))
  writeFileSync(
    `${OUT}/${name}.json`,
    JSON.stringify({ extends: '../../tsconfig.json', include: [`${name}.ts`] }),
  )
  const output = execFileSync(
    process.execPath,
    [
      `${ROOT}node_modules/typescript/bin/tsc`,
      '-p',
      `${OUT}/${name}.json`,
      '--extendedDiagnostics',
    ],
    { encoding: 'utf8' },
  )
  const pick = (label: string): string =>
    new RegExp(`^${label}:\\s+(.+)$`, 'm').exec(output)?.[1]?.trim() ?? '?'
  return { instantiations: pick('Instantiations'), check: pick('Check time') }
}

const routesOnly = measure('routes', false)
const withClient = measure('routes-and-calls', true)
console.log(
  `${count} routes:                  ${routesOnly.instantiations} instantiations, check ${routesOnly.check}`,
)
console.log(
  `${count} routes + ${count} calls:      ${withClient.instantiations} instantiations, check ${withClient.check}`,
)
