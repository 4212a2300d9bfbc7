// `npm run bench:cold-start`: the compiled package's cold start (spawn to first
// 200) against bare Fastify's, in one run, interleaved, on the machine's Node
// and on Node 24 from the registry (node-linux-<arch>@24, installed into a
// temporary prefix). Builds dist/ first: apps run the package as published.
//
//   npm run bench:cold-start                       10 rounds
//   npm run bench:cold-start -- --rounds 20
//   npm run bench:cold-start -- --node /path/to/node    these Node binaries instead of Node 24
//
// Each round starts every server once, on every Node, in an order that rotates
// from round to round, so that a busy moment of the machine falls on all of them.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { timeToFirst200, type Spawned } from './cold-start.ts'
import { installRegistryNodes, userEnv, type RegistryNodes } from './registry-node.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'dara-ts-bench-secret-not-for-production-0001'
/** The goal: a compiled dara-ts app starts within 1.5 times bare Fastify's time. */
const GOAL_RATIO = 1.5

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    node: { type: 'string', multiple: true },
  },
  strict: true,
})
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number')

const env = userEnv({ NODE_ENV: 'production', DARA_JWT_SECRET: SECRET })

interface Server {
  readonly label: string
  readonly args: readonly string[]
}
const FASTIFY: Server = {
  label: 'bare Fastify (fastify.js)',
  args: ['bench/cold-start/fastify.js', '{port}'],
}
const COMPILED: Server = {
  label: 'dara-ts, compiled app (`dara start app.js`)',
  args: ['bin/dara.js', 'start', 'bench/cold-start/app.js', '--port', '{port}'],
}
const TYPESCRIPT: Server = {
  label: 'dara-ts, TypeScript app (`dara start app.ts`, through tsx)',
  args: ['bin/dara.js', 'start', 'bench/cold-start/app.ts', '--port', '{port}'],
}
const SERVERS = [FASTIFY, COMPILED, TYPESCRIPT]

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
}

function version(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
}

let registry: RegistryNodes | undefined
let nodes = [process.execPath, ...(values.node ?? [])]
if (values.node === undefined) {
  registry = installRegistryNodes([24], env)
  nodes = [process.execPath, ...registry.paths]
}

try {
  console.log('bench: npm run build')
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })

  const lines = nodes.map((node) => ({ node, version: version(node) }))
  const runs = new Map<string, number[]>()
  const key = (version: string, server: Server): string => `${version} ${server.label}`
  const jobs = lines.flatMap((line) => SERVERS.map((server) => ({ line, server })))
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
  console.log(`bench: ${rounds} rounds of ${jobs.length} starts; load average ${load}`)
  for (let round = 0; round < rounds; round++) {
    const turn = round % jobs.length
    for (const job of [...jobs.slice(turn), ...jobs.slice(0, turn)]) {
      const spawned: Spawned = {
        node: job.line.node,
        args: job.server.args,
        env,
        path: '/api/public',
      }
      const ms = await timeToFirst200(spawned)
      const list = runs.get(key(job.line.version, job.server)) ?? []
      list.push(ms)
      runs.set(key(job.line.version, job.server), list)
    }
    console.log(`  round ${round + 1}/${rounds}`)
  }

  const rows = lines.flatMap((line) => {
    const baseline = median(runs.get(key(line.version, FASTIFY)) ?? [])
    return SERVERS.map((server) => {
      const times = runs.get(key(line.version, server)) ?? []
      const ms = median(times)
      const ratio = ms / baseline
      const goal =
        server === COMPILED
          ? ` (goal ≤ ${GOAL_RATIO}×: ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'})`
          : ''
      return `| ${line.version} | ${server.label} | ${Math.round(ms)} ms | ${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms | ${ratio.toFixed(2)}×${goal} |`
    })
  })
  const table = [
    '| Node | server | median, spawn to first 200 | range | to bare Fastify |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n')
  const report = `# Cold start, compiled dara-ts against bare Fastify\n\n${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average at start ${load}; ${rounds} rounds, interleaved; \`npm run bench:cold-start\`.\n\n${table}\n`
  console.log(`\n${table}\n`)
  mkdirSync(new URL('results/', import.meta.url), { recursive: true })
  const file = new URL('results/cold-start.md', import.meta.url)
  writeFileSync(file, report)
  console.log(`bench: wrote ${fileURLToPath(file).replace(`${ROOT}`, '')}`)
} finally {
  registry?.remove()
}
