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
//   --nodes=24,26                 also on these Node lines, from the registry's node-linux-<arch>
//                                 packages (installed into a temporary prefix); default for a
//                                 full run: 24 and 26; --nodes= for the machine's Node alone
//
// The Node servers run against the compiled package (dist/, built first), as a
// user's app does; each Node line runs every case, its ratios to its own raw
// node:http hello.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { format, resolveConfig } from 'prettier'
import { CASES, SERVERS, type BenchCase, type ServerName } from './cases.ts'
import { coldStartVersusFastify, idleRss } from './cold-start.ts'
import { checkCase, daraToken } from './check.ts'
import { pickTool, type LoadRequest, type LoadTool, type Sample, type ToolName } from './load.ts'
import { cpuSeconds, describeMachine, rssMiB } from './machine.ts'
import { measureMemory, type MemoryResult } from './memory.ts'
import {
  goals,
  goalsTable,
  linesTable,
  markdownReport,
  measuredTable,
  type CaseResult,
  type ColdStartResult,
  type LineResult,
  type LineSection,
} from './report.ts'
import { redisAvailable, startRedis, type RunningRedis } from './redis.ts'
import { installRegistryNodes, userEnv } from './registry-node.ts'
import { PYTHON, startServer, type RunningServer, type ServerSpec } from './servers.ts'
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
    nodes: { type: 'string' },
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
const withFastapi = fastapiAvailable()
const cases = (only === undefined ? CASES : CASES.filter((c) => only.includes(c.id))).filter(
  (c) =>
    (withRedis || !needsRedis(c.server)) && (withFastapi || SERVERS[c.server].runtime !== 'python'),
)
const partial = quick || profile || only !== undefined
const settings = quick
  ? { rounds: 1, seconds: 3, warmupSeconds: 1 }
  : { rounds: 3, seconds: 5, warmupSeconds: 2 }
const memoryCounts = quick
  ? { first: 20_000, second: 200_000, chunkSeconds: 2 }
  : { first: 100_000, second: 1_000_000, chunkSeconds: 4 }
const coldStartRuns = quick ? 3 : 7
const ROOT = fileURLToPath(new URL('..', import.meta.url))

const argv = process.argv.slice(2)
const command =
  process.env['npm_lifecycle_event'] === 'bench'
    ? `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`
    : `npx tsx bench/run.ts ${argv.join(' ')}`.trim()
const resultsDir = new URL('results/', import.meta.url)
const reportFile = partial
  ? new URL(profile ? 'profile.md' : only !== undefined ? 'only.md' : 'quick.md', resultsDir)
  : new URL('RESULTS.md', import.meta.url)

/** Debian's FastAPI, uvicorn, uvloop, httptools and PyJWT, as `setup-system.sh --bench` installs them. */
function fastapiAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, uvloop, httptools, jwt'])
  return probe.status === 0
}

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

/** One Node line the cases run on. */
interface NodeLine {
  /** `Node 24.11.1`. */
  readonly label: string
  readonly major: number
  /** The binary. */
  readonly node: string
}

function lineOf(node: string): NodeLine {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  return {
    label: `Node ${version.replace(/^v/, '')}`,
    major: Number(version.slice(1).split('.')[0]),
    node,
  }
}

/** The lines asked for: the machine's Node first, then those of --nodes (default 24 and 26 on a full run). */
function registryLines(): number[] {
  const machine = Number(process.versions.node.split('.')[0])
  const asked =
    flags.nodes === undefined
      ? partial
        ? []
        : [24, 26]
      : flags.nodes
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
          .map(Number)
  for (const line of asked) {
    if (!Number.isInteger(line) || line < 20)
      fail(`--nodes: "${flags.nodes}" is not a list of Node lines (24,26)`)
  }
  return [...new Set(asked)].filter((line) => line !== machine)
}

/** Every case on one Node line, rounds interleaved; FastAPI's too, so that each line's table stands alone. */
async function measureLine(
  line: NodeLine,
  tool: LoadTool,
  log: (line: string) => void,
): Promise<{ results: CaseResult[]; commands: string[] }> {
  // One folder per server: the main thread's profile and the loader thread's land there.
  const nodeArgs = (name: ServerName): string[] =>
    profile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${fileURLToPath(new URL(`profiles/node${line.major}/${name}/`, resultsDir))}`,
        ]
      : []
  log(`bench: ${line.label}`)
  const servers = new Map<ServerName, RunningServer>()
  let redis: RunningRedis | undefined
  try {
    for (const name of new Set(cases.map((c) => c.server))) {
      const env: Record<string, string> = { BENCH_JWT_SECRET: SECRET }
      if (needsRedis(name)) {
        redis ??= await startRedis()
        env['DARA_REDIS_URL'] = redis.url
      }
      servers.set(name, await startServer(SERVERS[name], env, nodeArgs(name), line.node))
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
          `  round ${round + 1}/${settings.rounds}  ${benchCase.label.padEnd(36)}` +
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
    return { results, commands: cases.map((c) => tool.commandFor(requestOf(c), settings.seconds)) }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()))
    await redis?.stop()
  }
}

async function main(): Promise<void> {
  const tool = pickTool(forcedTool)
  const machine = describeMachine()
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
  const log = (line: string): void => console.log(line)
  log(
    `bench: ${cases.length} cases, ${settings.rounds} round(s) of ${settings.seconds} s, ` +
      `warm-up ${settings.warmupSeconds} s; load average ${load}; load: ${tool.description}`,
  )
  if (!withRedis) log('bench: redis-server is not installed: the Redis store case is left out')
  if (!withFastapi) {
    log(
      'bench: the FastAPI baseline is not installed (bash scripts/setup-system.sh --bench): its cases are left out',
    )
  }
  log('bench: npm run build (the servers run the compiled package)')
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })

  const registry = installRegistryNodes(registryLines(), userEnv({}))
  try {
    const lines = [lineOf(process.execPath), ...registry.paths.map(lineOf)]
    const measured: LineResult[] = []
    for (const line of lines) {
      const { results, commands } = await measureLine(line, tool, log)
      let cold: ColdStartResult | undefined
      let idleMiB: number | undefined
      if (!profile && only === undefined) {
        cold = await coldStartVersusFastify(line.node, coldStartRuns, SECRET)
        log(
          `  cold start ${Math.round(cold.medianMs)} ms, bare Fastify ${Math.round(cold.fastifyMs)} ms`,
        )
        idleMiB = await idleRss(line.node, SECRET)
        log(`  idle RSS of a compiled app ${idleMiB?.toFixed(1)} MiB`)
      }
      measured.push({
        line: line.label,
        major: line.major,
        results,
        commands,
        coldStart: cold,
        idleMiB,
      })
    }

    let memory: MemoryResult | undefined
    if (only === undefined && !profile) {
      const fresh = await startServer(SERVERS['dara-auth'], { BENCH_JWT_SECRET: SECRET })
      try {
        const authorization = `Bearer ${await daraToken(fresh.port)}`
        memory = await measureMemory(
          tool,
          fresh,
          { url: `http://127.0.0.1:${fresh.port}/api/hello-auth`, method: 'GET', authorization },
          memoryCounts,
          log,
        )
      } finally {
        await fresh.stop()
      }
    }

    // Through Prettier, so that the report passes `prettier --check .` as written.
    const reportPath = fileURLToPath(reportFile)
    const prettierOptions = { ...(await resolveConfig(reportPath)), filepath: reportPath }
    const tidy = async (markdown: string): Promise<string> =>
      (await format(markdown, prettierOptions)).trim()
    const sections: LineSection[] = []
    for (const line of measured) {
      const table = await tidy(measuredTable(line.results))
      const goalRows = await tidy(
        goalsTable(goals(line, line === measured[0] ? memory : undefined)),
      )
      log(`\n${line.line}\n\n${table}\n\n${goalRows}\n`)
      sections.push({ line, table, goalsTable: goalRows })
    }
    const summary = await tidy(linesTable(measured))
    log(`${summary}\n`)
    const report = markdownReport({
      date: new Date(),
      machine,
      load,
      tool,
      command,
      readmeLink: partial ? '../README.md' : 'README.md',
      settings,
      summary,
      sections,
      memory,
    })
    mkdirSync(resultsDir, { recursive: true })
    writeFileSync(reportFile, await format(withAnalysis(reportPath, report), prettierOptions))
    log(`bench: wrote ${reportPath.replace(process.cwd() + '/', '')}`)

    const bad = measured.flatMap((m) =>
      m.results
        .filter((r) => r.non2xx > 0)
        .map((r) => `${m.line} ${r.benchCase.label} ${r.non2xx}`),
    )
    if (bad.length > 0 || (memory?.non2xx ?? 0) > 0) fail(`non-2xx responses: ${bad.join(', ')}`)
  } finally {
    registry.remove()
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
