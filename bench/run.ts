// `npm run bench`: dara-ts against raw node:http, plain Fastify and FastAPI on
// the same endpoints, side by side in one run. See bench/README.md for the method.
//
//   npm run bench                 3 rounds of 10 s per case, memory to 1M requests, a 1 GiB
//                                 upload; updates the generated part of bench/RESULTS.md
//   npm run bench -- --quick      1 round of 3 s, memory to 200k; writes bench/results/quick.md
//   --tool=wrk|autocannon         force a load generator (default: wrk if on PATH)
//   --only=<id>,<id>              run only these cases (ids in bench/cases.ts); no memory
//                                 or cold start; writes bench/results/only.md
//   --cpu-prof                    start the Node servers with node --cpu-prof; profiles go to
//                                 bench/results/profiles/
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { format, resolveConfig } from 'prettier'
import { CASES, SERVERS, type BenchCase, type ServerName } from './cases.ts'
import { COLD_START_COMMAND, coldStart } from './cold-start.ts'
import { checkCase, daraToken } from './check.ts'
import { pickTool, type LoadRequest, type Sample, type ToolName } from './load.ts'
import { cpuSeconds, describeMachine, rssMiB } from './machine.ts'
import { measureMemory, type MemoryResult } from './memory.ts'
import {
  goals,
  goalsTable,
  markdownReport,
  measuredTable,
  type CaseResult,
  type ColdStartResult,
} from './report.ts'
import { redisAvailable, startRedis, type RunningRedis } from './redis.ts'
import { startServer, type RunningServer, type ServerSpec } from './servers.ts'
import { mintToken } from './token.ts'
import { runUploadBench } from './upload.ts'

/** Fixed so that every server signs and verifies with the same key; 44 bytes. */
const SECRET = 'dara-ts-bench-secret-not-for-production-0001'
const GENERATED_START = '<!-- bench:generated:start -->'
const GENERATED_END = '<!-- bench:generated:end -->'

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    tool: { type: 'string' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
  strict: true,
})
if (flags.tool !== undefined && flags.tool !== 'wrk' && flags.tool !== 'autocannon') {
  throw new Error(`--tool must be wrk or autocannon, not ${flags.tool}`)
}
const forcedTool: ToolName | undefined = flags.tool
const quick = flags.quick ?? false
const profile = flags['cpu-prof'] ?? false
const only = flags.only?.split(',').map((id) => id.trim())
for (const id of only ?? []) {
  if (!CASES.some((c) => c.id === id)) {
    throw new Error(`--only: no case "${id}"; cases: ${CASES.map((c) => c.id).join(', ')}`)
  }
}
const withRedis = redisAvailable()
const cases = (only === undefined ? CASES : CASES.filter((c) => only.includes(c.id))).filter(
  (c) => withRedis || !needsRedis(c.server),
)
const partial = quick || profile || only !== undefined
const settings = quick
  ? { rounds: 1, seconds: 3, warmupSeconds: 1 }
  : { rounds: 3, seconds: 10, warmupSeconds: 3 }
const memoryCounts = quick
  ? { first: 20_000, second: 200_000, chunkSeconds: 2 }
  : { first: 100_000, second: 1_000_000, chunkSeconds: 4 }
const coldStartRuns = quick ? 3 : 5

const argv = process.argv.slice(2)
const command =
  process.env['npm_lifecycle_event'] === 'bench'
    ? `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`
    : `npx tsx bench/run.ts ${argv.join(' ')}`.trim()
const resultsDir = new URL('results/', import.meta.url)
const reportFile = partial
  ? new URL(profile ? 'profile.md' : only !== undefined ? 'only.md' : 'quick.md', resultsDir)
  : new URL('RESULTS.md', import.meta.url)

function needsRedis(name: ServerName): boolean {
  const spec: ServerSpec = SERVERS[name]
  return spec.redis === true
}

function fail(message: string): never {
  throw new Error(`bench: ${message}`)
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
}

async function main(): Promise<void> {
  const tool = pickTool(forcedTool)
  const machine = describeMachine()
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
  // One folder per server: the main thread's profile and the loader thread's land there.
  const nodeArgs = (name: ServerName): string[] =>
    profile
      ? ['--cpu-prof', `--cpu-prof-dir=${fileURLToPath(new URL(`profiles/${name}/`, resultsDir))}`]
      : []
  const log = (line: string): void => console.log(line)
  log(
    `bench: ${cases.length} cases, ${settings.rounds} round(s) of ${settings.seconds} s, ` +
      `warm-up ${settings.warmupSeconds} s; load average ${load}; load: ${tool.description}`,
  )

  if (!withRedis) log('bench: redis-server is not installed: the Redis store case is left out')
  const servers = new Map<ServerName, RunningServer>()
  let redis: RunningRedis | undefined
  try {
    for (const name of new Set(cases.map((c) => c.server))) {
      const env: Record<string, string> = { BENCH_JWT_SECRET: SECRET }
      if (needsRedis(name)) {
        redis ??= await startRedis()
        env['DARA_REDIS_URL'] = redis.url
      }
      servers.set(name, await startServer(SERVERS[name], env, nodeArgs(name)))
    }
    const server = (name: ServerName): RunningServer =>
      servers.get(name) ?? fail(`no server ${name}`)
    const rssAtStart = new Map(cases.map((c) => [c, rssMiB(server(c.server).pid)]))

    const minted = `Bearer ${await mintToken(SECRET)}`
    // Each dara-ts server logs in once, as a client would, and its token is used throughout.
    const issued = new Map<ServerName, string>()
    for (const benchCase of cases.filter((c) => c.credential === 'dara')) {
      if (issued.has(benchCase.server)) continue
      issued.set(benchCase.server, `Bearer ${await daraToken(server(benchCase.server).port)}`)
    }
    const requestOf = (benchCase: BenchCase): LoadRequest => {
      const authorization =
        benchCase.credential === 'minted'
          ? minted
          : benchCase.credential === 'dara'
            ? (issued.get(benchCase.server) ?? fail('no dara-ts token'))
            : undefined
      return {
        url: `http://127.0.0.1:${server(benchCase.server).port}${benchCase.path}`,
        method: benchCase.method,
        ...(benchCase.body === undefined ? {} : { body: benchCase.body }),
        ...(authorization === undefined ? {} : { authorization }),
      }
    }
    for (const benchCase of cases) {
      const problem = await checkCase(
        benchCase,
        server(benchCase.server).port,
        requestOf(benchCase),
      )
      if (problem !== undefined) fail(problem)
    }
    log('bench: every case answers 200 with its expected body, and 401 without its token')

    for (const benchCase of cases) {
      const warm = await tool.run(requestOf(benchCase), settings.warmupSeconds)
      if (warm.non2xx > 0) fail(`${benchCase.label}: ${warm.non2xx} non-2xx during warm-up`)
    }

    const samples = new Map<BenchCase, Sample[]>(cases.map((c) => [c, []]))
    const cpuPerRequest = new Map<BenchCase, number[]>(cases.map((c) => [c, []]))
    for (let round = 0; round < settings.rounds; round++) {
      // Each round starts one case later, so no case always runs first or last.
      const order = cases.map((_, i) => cases[(i + round) % cases.length] ?? fail('index'))
      for (const benchCase of order) {
        const pid = server(benchCase.server).pid
        const cpuBefore = cpuSeconds(pid)
        const sample = await tool.run(requestOf(benchCase), settings.seconds)
        const cpuAfter = cpuSeconds(pid)
        samples.get(benchCase)?.push(sample)
        if (cpuBefore !== undefined && cpuAfter !== undefined && sample.requests > 0) {
          cpuPerRequest.get(benchCase)?.push(((cpuAfter - cpuBefore) * 1e6) / sample.requests)
        }
        log(
          `  round ${round + 1}/${settings.rounds}  ${benchCase.label.padEnd(30)}` +
            `${Math.round(sample.rps).toString().padStart(8)} req/s` +
            `  p50 ${sample.p50Ms.toFixed(2)} ms  p99 ${sample.p99Ms.toFixed(2)} ms` +
            `  CPU ${(cpuPerRequest.get(benchCase)?.at(-1) ?? NaN).toFixed(1)} µs/req` +
            (sample.non2xx + sample.socketErrors > 0
              ? `  non-2xx ${sample.non2xx}, socket errors ${sample.socketErrors}`
              : ''),
        )
      }
    }
    const results: CaseResult[] = cases.map((benchCase) => {
      const runs = samples.get(benchCase) ?? []
      return {
        benchCase,
        rounds: runs.map((s) => s.rps),
        rps: median(runs.map((s) => s.rps)),
        p50Ms: median(runs.map((s) => s.p50Ms)),
        p99Ms: median(runs.map((s) => s.p99Ms)),
        cpuUsPerRequest: median(cpuPerRequest.get(benchCase) ?? []),
        requests: runs.reduce((sum, s) => sum + s.requests, 0),
        non2xx: runs.reduce((sum, s) => sum + s.non2xx, 0),
        socketErrors: runs.reduce((sum, s) => sum + s.socketErrors, 0),
        rssStartMiB: rssAtStart.get(benchCase),
        rssMiB: rssMiB(server(benchCase.server).pid),
      }
    })
    const commands = cases.map((c) => tool.commandFor(requestOf(c), settings.seconds))
    await Promise.all([...servers.values()].map((s) => s.stop()))
    servers.clear()

    let memory: MemoryResult | undefined
    let cold: ColdStartResult | undefined
    if (only === undefined && !profile) {
      const fresh = await startServer(SERVERS['dara-auth'], { BENCH_JWT_SECRET: SECRET })
      servers.set('dara-auth', fresh)
      const authorization = `Bearer ${await daraToken(fresh.port)}`
      memory = await measureMemory(
        tool,
        fresh,
        { url: `http://127.0.0.1:${fresh.port}/api/hello-auth`, method: 'GET', authorization },
        memoryCounts,
        log,
      )
      await fresh.stop()
      servers.clear()

      const runs: number[] = []
      for (let i = 0; i < coldStartRuns; i++) {
        runs.push(await coldStart(SECRET))
        log(`  cold start ${i + 1}/${coldStartRuns}  ${Math.round(runs.at(-1) ?? NaN)} ms`)
      }
      cold = { command: COLD_START_COMMAND, runs, medianMs: median(runs) }
    }

    // Through Prettier, so that the report passes `prettier --check .` as written.
    const reportPath = fileURLToPath(reportFile)
    const prettierOptions = { ...(await resolveConfig(reportPath)), filepath: reportPath }
    const tidy = async (markdown: string): Promise<string> =>
      (await format(markdown, prettierOptions)).trim()
    const table = await tidy(measuredTable(results))
    const goalRows = await tidy(goalsTable(goals(results, cold, memory)))
    log(`\n${table}\n\n${goalRows}\n`)
    const report = markdownReport({
      date: new Date(),
      machine,
      load,
      tool,
      command,
      readmeLink: partial ? '../README.md' : 'README.md',
      settings,
      commands,
      table,
      goalsTable: goalRows,
      results,
      coldStart: cold,
      memory,
    })
    mkdirSync(resultsDir, { recursive: true })
    writeFileSync(reportFile, await format(withAnalysis(reportPath, report), prettierOptions))
    log(`bench: wrote ${reportPath.replace(process.cwd() + '/', '')}`)

    const bad = results.filter((r) => r.non2xx > 0)
    if (bad.length > 0 || (memory?.non2xx ?? 0) > 0) {
      fail(`non-2xx responses: ${bad.map((r) => `${r.benchCase.label} ${r.non2xx}`).join(', ')}`)
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()))
    await redis?.stop()
  }
  if (profile) log(`bench: CPU profiles in ${fileURLToPath(new URL('profiles/', resultsDir))}`)
}

/**
 * The generated report between two markers, keeping what was written by hand
 * around them in an existing file (RESULTS.md's analysis of the figures).
 */
function withAnalysis(path: string, generated: string): string {
  const block = `${GENERATED_START}\n\n${generated.trim()}\n\n${GENERATED_END}\n`
  if (!existsSync(path)) return block
  const current = readFileSync(path, 'utf8')
  const start = current.indexOf(GENERATED_START)
  const end = current.indexOf(GENERATED_END)
  if (start === -1 || end === -1) return block
  return `${current.slice(0, start)}${block}${current.slice(end + GENERATED_END.length + 1)}`
}

await main()
// The 1 GiB upload (bench/upload.ts) takes a while: full runs only.
if (!partial) {
  await runUploadBench()
  await runUploadBench(1024, 'files')
}
