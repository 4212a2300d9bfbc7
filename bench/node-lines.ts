// `npm run bench:node-lines`: which Node line to recommend. The compiled
// one-route app (bench/cold-start/app.js) on the machine's Node and on Node 22,
// 24 and 26 from the registry: cold start (spawn to first 200) and throughput
// on GET /api/public, each Node in turn within a round, rounds interleaved.
// The server's CPU time per request is the figure to compare on a busy
// machine: req/s moves with whatever else runs, CPU per request much less.
// Builds dist/ first.
//
//   npm run bench:node-lines                     3 rounds of 5 s
//   npm run bench:node-lines -- --rounds 5 --seconds 10
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { timeToFirst200 } from './cold-start.ts'
import { call } from './http.ts'
import { pickTool } from './load.ts'
import { cpuSeconds } from './machine.ts'
import { installRegistryNodes, userEnv } from './registry-node.ts'
import { freePort } from './servers.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const APP = ['bin/dara.js', 'start', 'bench/cold-start/app.js', '--port']
const LINES = [22, 24, 26]

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
  },
  strict: true,
})
const rounds = Number(values.rounds)
const seconds = Number(values.seconds)
const env = userEnv({ NODE_ENV: 'production', DARA_JWT_SECRET: 'x'.repeat(44) })

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
}

/** The app on `node`, answering on a free port; stop() ends it. */
async function serve(node: string): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const port = await freePort()
  const child = spawn(node, [...APP, String(port)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      if ((await call(port, '/api/public')).status === 200) break
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${node}: no 200`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    port,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}

const tool = pickTool(undefined)
const registry = installRegistryNodes(LINES, env)
try {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  const nodes = [process.execPath, ...registry.paths].map((node) => ({
    node,
    version: execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(),
    rps: [] as number[],
    cpuUs: [] as number[],
    coldMs: [] as number[],
  }))
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
  console.log(`bench: ${rounds} rounds of ${seconds} s on ${nodes.length} Node lines; load ${load}`)
  for (let round = 0; round < rounds; round++) {
    for (const entry of [
      ...nodes.slice(round % nodes.length),
      ...nodes.slice(0, round % nodes.length),
    ]) {
      entry.coldMs.push(
        await timeToFirst200({
          node: entry.node,
          args: [...APP, '{port}'],
          env,
          path: '/api/public',
        }),
      )
      const server = await serve(entry.node)
      try {
        const url = `http://127.0.0.1:${server.port}/api/public`
        await tool.run({ url, method: 'GET' }, 1)
        const before = cpuSeconds(server.pid) ?? NaN
        const sample = await tool.run({ url, method: 'GET' }, seconds)
        const cpuUs = (((cpuSeconds(server.pid) ?? NaN) - before) * 1e6) / sample.requests
        entry.rps.push(sample.rps)
        entry.cpuUs.push(cpuUs)
        console.log(
          `  round ${round + 1}  ${entry.version}  ${Math.round(sample.rps)} req/s  ${cpuUs.toFixed(1)} µs CPU/req`,
        )
      } finally {
        await server.stop()
      }
    }
  }
  const least = Math.min(...nodes.map((n) => median(n.cpuUs)))
  const table = [
    '| Node | server CPU per request (median) | to the least | req/s (median) | cold start (median) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...nodes.map(
      (n) =>
        `| ${n.version} | ${median(n.cpuUs).toFixed(1)} µs | ${(median(n.cpuUs) / least).toFixed(2)}× | ${Math.round(median(n.rps))} | ${Math.round(median(n.coldMs))} ms |`,
    ),
  ].join('\n')
  console.log(`\n${table}\n`)
  const report = `# The compiled app on each Node line\n\n${new Date().toISOString()}, ${os.cpus().length} CPUs, load average at start ${load}; ${tool.description}; ${rounds} rounds of ${seconds} s; \`npm run bench:node-lines\`.\n\n${table}\n`
  mkdirSync(new URL('results/', import.meta.url), { recursive: true })
  writeFileSync(new URL('results/node-lines.md', import.meta.url), report)
  console.log('bench: wrote bench/results/node-lines.md')
} finally {
  registry.remove()
}
