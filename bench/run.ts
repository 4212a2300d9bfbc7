// `npm run bench`: dara-ts against plain Fastify on a "Hello World" endpoint,
// with and without a Bearer token. See bench/README.md for the method.
//
//   npm run bench                 3 rounds of 10 s per case; writes bench/RESULTS.md
//   npm run bench -- --quick      1 round of 3 s; writes bench/results/quick.md
//   --tool=wrk|autocannon         force a load generator (default: wrk if on PATH)
//   --cpu-prof                    start the servers with node --cpu-prof; profiles and the
//                                 report go to bench/results/
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { format, resolveConfig } from 'prettier'
import { OBSERVABILITY_CASES } from './cases-observability.ts'
import { pickTool, type Sample, type ToolName } from './load.ts'
import { describeMachine, rssMiB } from './machine.ts'
import { markdownReport, measuredTable, type CaseResult } from './report.ts'
import { startServer, type RunningServer } from './servers.ts'
import { runUploadBench } from './upload.ts'

/** Fixed so that every server signs and verifies with the same key; 44 bytes. */
const SECRET = 'dara-ts-bench-secret-not-for-production-0001'
const EXPECTED_BODY = JSON.stringify('Hello World')
const EXPECTED_TYPE = 'application/json; charset=utf-8'

export interface BenchCase {
  readonly label: string
  readonly server: string
  readonly path: string
  readonly authenticated: boolean
  /** The label of the plain Fastify case of the same kind. */
  readonly baseline: string
}

const UNAUTH_BASELINE = 'Fastify'
const AUTH_BASELINE = 'Fastify + jose onRequest'

/** In the order they run within a round, and are reported. */
export const CASES: readonly BenchCase[] = [
  {
    label: UNAUTH_BASELINE,
    server: 'fastify-hello.ts',
    path: '/api/hello',
    authenticated: false,
    baseline: UNAUTH_BASELINE,
  },
  {
    label: 'dara-ts',
    server: 'dara-hello.ts',
    path: '/api/hello',
    authenticated: false,
    baseline: UNAUTH_BASELINE,
  },
  {
    label: AUTH_BASELINE,
    server: 'fastify-hello-jose.ts',
    path: '/api/hello-auth',
    authenticated: true,
    baseline: AUTH_BASELINE,
  },
  {
    label: 'dara-ts, authenticated',
    server: 'dara-hello-auth.ts',
    path: '/api/hello-auth',
    authenticated: true,
    baseline: AUTH_BASELINE,
  },
  ...OBSERVABILITY_CASES,
]

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    tool: { type: 'string' },
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
const settings = quick
  ? { rounds: 1, seconds: 3, warmupSeconds: 2 }
  : { rounds: 3, seconds: 10, warmupSeconds: 5 }

const argv = process.argv.slice(2)
const command =
  process.env['npm_lifecycle_event'] === 'bench'
    ? `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`
    : `npx tsx bench/run.ts ${argv.join(' ')}`.trim()
const resultsDir = new URL('results/', import.meta.url)
const reportFile =
  quick || profile
    ? new URL(profile ? 'profile.md' : 'quick.md', resultsDir)
    : new URL('RESULTS.md', import.meta.url)

function fail(message: string): never {
  throw new Error(`bench: ${message}`)
}

async function createToken(server: RunningServer): Promise<string> {
  const url = `http://127.0.0.1:${server.port}/api/auth/session`
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  const text = await response.text()
  if (response.status !== 200) fail(`POST ${url} answered ${response.status}: ${text}`)
  const body = JSON.parse(text) as { token?: unknown }
  if (typeof body.token !== 'string') fail(`POST ${url} gave no token: ${text}`)
  return body.token
}

/** Before any load: the case answers 200 with the expected body, and refuses a caller without the token. */
async function checkCase(
  benchCase: BenchCase,
  url: string,
  authorization: string | undefined,
): Promise<void> {
  const response = await fetch(url, {
    headers: authorization === undefined ? {} : { authorization },
  })
  const body = await response.text()
  const type = response.headers.get('content-type')
  if (response.status !== 200 || body !== EXPECTED_BODY || type !== EXPECTED_TYPE) {
    fail(
      `${benchCase.label}: GET ${url}${authorization ? ' with the session token' : ''} answered ` +
        `${response.status} ${type} ${body}; expected 200 ${EXPECTED_TYPE} ${EXPECTED_BODY}`,
    )
  }
  if (benchCase.authenticated) {
    const anonymous = await fetch(url)
    await anonymous.text()
    if (anonymous.status !== 401) {
      fail(`${benchCase.label}: GET ${url} without a token answered ${anonymous.status}, not 401`)
    }
  }
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
  const nodeArgs = profile
    ? ['--cpu-prof', `--cpu-prof-dir=${new URL('profiles/', resultsDir).pathname}`]
    : []
  console.log(
    `bench: ${CASES.length} cases, ${settings.rounds} round(s) of ${settings.seconds} s, ` +
      `warm-up ${settings.warmupSeconds} s; load: ${tool.description}`,
  )

  const servers = new Map<BenchCase, RunningServer>()
  try {
    for (const benchCase of CASES) {
      servers.set(
        benchCase,
        await startServer(benchCase.server, { BENCH_JWT_SECRET: SECRET }, nodeArgs),
      )
    }
    const server = (benchCase: BenchCase): RunningServer =>
      servers.get(benchCase) ?? fail(`no server for ${benchCase.label}`)
    const urlOf = (benchCase: BenchCase): string =>
      `http://127.0.0.1:${server(benchCase).port}${benchCase.path}`
    const rssAtStart = new Map(CASES.map((c) => [c, rssMiB(server(c).pid)]))

    const daraAuth = CASES.find((c) => c.authenticated && c.server.startsWith('dara'))
    if (daraAuth === undefined) fail('no authenticated dara-ts case')
    const authorization = `Bearer ${await createToken(server(daraAuth))}`
    const authOf = (benchCase: BenchCase): string | undefined =>
      benchCase.authenticated ? authorization : undefined
    for (const benchCase of CASES) await checkCase(benchCase, urlOf(benchCase), authOf(benchCase))
    console.log('bench: the token from POST /api/auth/session works; every case answers 200')

    for (const benchCase of CASES) {
      const warm = await tool.run(urlOf(benchCase), settings.warmupSeconds, authOf(benchCase))
      if (warm.non2xx > 0) fail(`${benchCase.label}: ${warm.non2xx} non-2xx during warm-up`)
    }

    const samples = new Map<BenchCase, Sample[]>(CASES.map((c) => [c, []]))
    for (let round = 0; round < settings.rounds; round++) {
      // Each round starts one case later, so no case always runs first or last.
      const order = CASES.map((_, i) => CASES[(i + round) % CASES.length] ?? fail('index'))
      for (const benchCase of order) {
        const sample = await tool.run(urlOf(benchCase), settings.seconds, authOf(benchCase))
        samples.get(benchCase)?.push(sample)
        console.log(
          `  round ${round + 1}/${settings.rounds}  ${benchCase.label.padEnd(26)}` +
            `${Math.round(sample.rps).toString().padStart(8)} req/s` +
            `  p50 ${sample.p50Ms.toFixed(2)} ms  p99 ${sample.p99Ms.toFixed(2)} ms` +
            (sample.non2xx + sample.socketErrors > 0
              ? `  non-2xx ${sample.non2xx}, socket errors ${sample.socketErrors}`
              : ''),
        )
      }
    }

    const results: CaseResult[] = CASES.map((benchCase) => {
      const runs = samples.get(benchCase) ?? []
      return {
        ...benchCase,
        rounds: runs.map((s) => s.rps),
        rps: median(runs.map((s) => s.rps)),
        p50Ms: median(runs.map((s) => s.p50Ms)),
        p99Ms: median(runs.map((s) => s.p99Ms)),
        requests: runs.reduce((sum, s) => sum + s.requests, 0),
        non2xx: runs.reduce((sum, s) => sum + s.non2xx, 0),
        socketErrors: runs.reduce((sum, s) => sum + s.socketErrors, 0),
        rssStartMiB: rssAtStart.get(benchCase),
        rssMiB: rssMiB(server(benchCase).pid),
      }
    })

    // Through Prettier, so that the report passes `prettier --check .` as written.
    const reportPath = fileURLToPath(reportFile)
    const prettierOptions = { ...(await resolveConfig(reportPath)), filepath: reportPath }
    const table = (await format(measuredTable(results, UNAUTH_BASELINE), prettierOptions)).trim()
    console.log(`\n${table}\n`)
    const report = markdownReport({
      date: new Date(),
      machine,
      tool,
      command,
      readmeLink: quick || profile ? '../README.md' : 'README.md',
      settings,
      urls: CASES.map((c) => ({ label: c.label, url: urlOf(c), authenticated: c.authenticated })),
      table,
      results,
    })
    mkdirSync(resultsDir, { recursive: true })
    writeFileSync(reportFile, await format(report, prettierOptions))
    console.log(`bench: wrote ${reportFile.pathname.replace(process.cwd() + '/', '')}`)

    const bad = results.filter((r) => r.non2xx > 0)
    if (bad.length > 0) {
      fail(`non-2xx responses: ${bad.map((r) => `${r.label} ${r.non2xx}`).join(', ')}`)
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()))
  }
  if (profile) console.log(`bench: CPU profiles in ${new URL('profiles/', resultsDir).pathname}`)
}

await main()
// The 1 GiB upload (bench/upload.ts) takes a while: full runs only.
if (!quick) await runUploadBench()
