// `npm run bench:scale`: what more processes buy, in one run on one machine.
// The same app (bench/servers/scale-app.ts, sessions in Redis) under `dara start
// --workers 1` and `--workers 2`, and three `dara start` processes behind HAProxy
// (deploy/haproxy.cfg) against one process called directly; hello and
// authenticated, with wrk as `npm run bench` runs it. See bench/README.md.
//
//   npm run bench:scale                3 rounds of 10 s a case; rewrites the scale section
//                                      of bench/RESULTS.md
//   npm run bench:scale -- --quick     1 round of 3 s; writes bench/results/scale.md
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { format, resolveConfig } from 'prettier'
import { daraToken } from './check.ts'
import { call } from './http.ts'
import { pickTool, type LoadRequest, type Sample } from './load.ts'
import { cpuSeconds, describeMachine, mainThreadCpuSeconds } from './machine.ts'
import { startRedis } from './redis.ts'
import { startDara, startHaproxy, type Running } from './scale-servers.ts'

const SECRET = 'dara-ts-bench-secret-not-for-production-0001'
const START = '<!-- bench:scale:start -->'
const END = '<!-- bench:scale:end -->'
const HELLO = JSON.stringify('Hello World')
/** What `--workers 2` must serve, against one worker, on the authenticated route. */
const WORKERS_GOAL = 1.5

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false } },
  strict: true,
})
const quick = flags.quick ?? false
const settings = quick
  ? { rounds: 1, seconds: 3, warmupSeconds: 1 }
  : { rounds: 3, seconds: 10, warmupSeconds: 3 }

interface Case {
  readonly id: string
  readonly label: string
  readonly target: Running
  /** Whose CPU time the case costs: the target and, behind a balancer, its servers. */
  readonly costs: readonly Running[]
  readonly auth: boolean
}

interface Measured {
  readonly sample: Sample
  /** Server CPU (every process of the case) per request, in µs. */
  readonly cpuUs: number
  /** The first process group's part of it (HAProxy's, behind the balancer), in µs. */
  readonly firstUs: number
  /** wrk's CPU per request, in µs: what the load takes from the same cores. */
  readonly clientUs: number
  /** Cores the case's processes kept busy: their CPU seconds over the wall-clock seconds. */
  readonly cores: number
  /** The busiest JavaScript thread's share of a core: 1.00 is a worker that has no more to give. */
  readonly mainCores: number
  /** Every other thread's (V8's garbage collector and compiler, libuv's pool), in µs. */
  readonly helperUs: number
  /** Cores the case's processes and wrk kept busy together: 2.00 is the whole machine. */
  readonly machineCores: number
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
/** CPU seconds of this process's children that have ended: wrk's, once each run is over. */
function endedChildrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[13]) + Number(fields[14])) / HZ
}
const cpuOf = (targets: readonly Running[]): number =>
  targets.flatMap((t) => t.pids()).reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0)
/** Each process's main-thread CPU seconds so far, by pid. */
const mainThreadsOf = (targets: readonly Running[]): Map<number, number> =>
  new Map(targets.flatMap((t) => t.pids()).map((pid) => [pid, mainThreadCpuSeconds(pid) ?? 0]))
/** What each main thread spent between two readings, in CPU seconds. */
const threadDeltas = (before: Map<number, number>, after: Map<number, number>): number[] =>
  [...after].map(([pid, seconds]) => seconds - (before.get(pid) ?? seconds))
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function main(): Promise<void> {
  console.log('bench: npm run build (the servers run the compiled package)')
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' })
  const tool = pickTool(undefined)
  const started = new Date()
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
  const redis = await startRedis()
  const env = { DARA_JWT_SECRET: SECRET, DARA_REDIS_URL: redis.url }
  const running: Running[] = []
  const keep = <T extends Running>(server: T): T => (running.push(server), server)
  try {
    const oneWorker = keep(await startDara(env, 1))
    const twoWorkers = keep(await startDara(env, 2))
    const direct = keep(await startDara(env))
    const trio = await Promise.all([startDara(env), startDara(env), startDara(env)])
    trio.forEach(keep)
    const balancer = keep(await startHaproxy(trio.map((s) => s.port)))
    // One login: every server shares the secret and the Redis.
    const token = await daraToken(direct.port)

    const cases: Case[] = []
    for (const auth of [false, true]) {
      const kind = auth ? 'auth' : 'hello'
      cases.push(
        {
          id: `w1-${kind}`,
          label: `--workers 1, ${kind}`,
          target: oneWorker,
          costs: [oneWorker],
          auth,
        },
        {
          id: `w2-${kind}`,
          label: `--workers 2, ${kind}`,
          target: twoWorkers,
          costs: [twoWorkers],
          auth,
        },
        {
          id: `direct-${kind}`,
          label: `1 process direct, ${kind}`,
          target: direct,
          costs: [direct],
          auth,
        },
        {
          id: `lb-${kind}`,
          label: `3 processes behind HAProxy, ${kind}`,
          target: balancer,
          costs: [balancer, ...trio],
          auth,
        },
      )
    }
    const requestOf = (c: Case): LoadRequest => ({
      url: `http://127.0.0.1:${c.target.port}${c.auth ? '/api/hello-auth' : '/api/hello'}`,
      method: 'GET',
      ...(c.auth ? { authorization: `Bearer ${token}` } : {}),
    })
    for (const c of cases) {
      const answer = await call(c.target.port, new URL(requestOf(c).url).pathname, {
        headers: c.auth ? { authorization: `Bearer ${token}` } : {},
      })
      if (answer.status !== 200 || answer.body !== HELLO) {
        throw new Error(`${c.label}: ${answer.status} ${answer.body}`)
      }
      await tool.run(requestOf(c), settings.warmupSeconds)
    }

    const results = new Map<string, Measured[]>(cases.map((c) => [c.id, []]))
    for (let round = 0; round < settings.rounds; round++) {
      // Each round starts one case later, so no case always runs first.
      const order = [...cases.slice(round % cases.length), ...cases.slice(0, round % cases.length)]
      for (const c of order) {
        const before = cpuOf(c.costs)
        const firstBefore = cpuOf(c.costs.slice(0, 1))
        const clientBefore = endedChildrenCpu()
        const threadsBefore = mainThreadsOf(c.costs)
        const startedAt = performance.now()
        const sample = await tool.run(requestOf(c), settings.seconds)
        const wall = (performance.now() - startedAt) / 1000
        const client = endedChildrenCpu() - clientBefore
        const clientUs = (client / sample.requests) * 1e6
        const used = cpuOf(c.costs) - before
        const cpuUs = (used / sample.requests) * 1e6
        const firstUs = ((cpuOf(c.costs.slice(0, 1)) - firstBefore) / sample.requests) * 1e6
        const deltas = threadDeltas(threadsBefore, mainThreadsOf(c.costs))
        const main = Math.max(0, ...deltas)
        const helpers = used - deltas.reduce((sum, d) => sum + d, 0)
        results.get(c.id)?.push({
          sample,
          cpuUs,
          firstUs,
          clientUs,
          cores: used / wall,
          mainCores: main / wall,
          helperUs: (helpers / sample.requests) * 1e6,
          machineCores: (used + client) / wall,
        })
        console.log(`bench:scale: round ${round + 1} ${c.label}: ${fmt(sample.rps)} req/s`)
      }
    }

    const summary = (id: string) => {
      const runs = results.get(id) ?? []
      return {
        rps: median(runs.map((r) => r.sample.rps)),
        p50: median(runs.map((r) => r.sample.p50Ms)),
        p99: median(runs.map((r) => r.sample.p99Ms)),
        cpuUs: median(runs.map((r) => r.cpuUs)),
        firstUs: median(runs.map((r) => r.firstUs)),
        clientUs: median(runs.map((r) => r.clientUs)),
        cores: median(runs.map((r) => r.cores)),
        mainCores: median(runs.map((r) => r.mainCores)),
        helperUs: median(runs.map((r) => r.helperUs)),
        machineCores: median(runs.map((r) => r.machineCores)),
        errors: runs.reduce((n, r) => n + r.sample.non2xx + r.sample.socketErrors, 0),
        rounds: runs.map((r) => fmt(r.sample.rps)).join(', '),
      }
    }
    const versus: Record<string, string> = {
      'w2-hello': 'w1-hello',
      'w2-auth': 'w1-auth',
      'lb-hello': 'direct-hello',
      'lb-auth': 'direct-auth',
    }
    const rows = cases.map((c) => {
      const s = summary(c.id)
      const base = versus[c.id]
      const ratio = base ? `${(s.rps / summary(base).rps).toFixed(2)}×` : ''
      return `| ${c.label} | ${fmt(s.rps)} | ${s.p50.toFixed(2)} ms | ${s.p99.toFixed(2)} ms | ${s.cpuUs.toFixed(1)} µs | ${s.cores.toFixed(2)} | ${s.mainCores.toFixed(2)} | ${s.clientUs.toFixed(1)} µs | ${s.machineCores.toFixed(2)} | ${ratio} | ${s.rounds} | ${s.errors} |`
    })
    const workersRatio = summary('w2-auth').rps / summary('w1-auth').rps
    const one = summary('w1-auth')
    const two = summary('w2-auth')
    // The ratio of the medians, and each round's own (its two runs were back to back).
    const roundRatios = (results.get('w2-auth') ?? []).map(
      (r, i) => r.sample.rps / (results.get('w1-auth')?.[i]?.sample.rps ?? NaN),
    )
    // One core's worth of the authenticated route, from what every process of the
    // two-worker server spent per request (the primary included).
    const cpuUs = summary('w2-auth').cpuUs
    const perCore = 1e6 / cpuUs
    const machine = describeMachine()
    const report = [
      START,
      '',
      '## Workers and load balancer',
      '',
      `Written by \`npm run bench:scale${quick ? ' -- --quick' : ''}\` on ${started.toISOString()}, load average ${load} when it started; ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}. Load: ${tool.description}; ${settings.rounds} round(s) of ${settings.seconds} s a case after a warm-up of ${settings.warmupSeconds} s, medians over the rounds. Every server is \`dara start bench/servers/scale-app.ts\` with \`NODE_ENV=production\` and its sessions in one redis-server; HAProxy runs deploy/haproxy.cfg. CPU/req adds up every process of the case (primary and workers; HAProxy and its three servers) over the requests wrk counted; wrk runs on the same cores, and its own CPU/req is beside it. "cores busy" is the CPU time of the case's processes over the wall-clock time: what they got of the machine.`,
      '',
      '| case | req/s | p50 | p99 | CPU/req | cores busy | busiest JS thread | wrk CPU/req | machine busy, wrk included | vs | each round req/s | non-2xx + socket errors |',
      '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
      ...rows,
      '',
      `\`--workers 2\` against \`--workers 1\`, authenticated: ${workersRatio.toFixed(2)}× (goal ≥ ${WORKERS_GOAL}×: ${workersRatio >= WORKERS_GOAL ? 'met' : 'NOT met'}). HAProxy's own part of CPU/req behind the balancer: ${summary('lb-hello').firstUs.toFixed(1)} µs (hello), ${summary('lb-auth').firstUs.toFixed(1)} µs (auth).`,
      '',
      `Each round's own ratio (its two runs back to back): ${roundRatios.map((r) => `${r.toFixed(2)}×`).join(', ')}. One worker is bound by its JavaScript thread (${one.mainCores.toFixed(2)} of a core busy); two workers and wrk kept ${two.machineCores.toFixed(2)} of the machine's ${machine.nproc} cores busy, so on this machine the load generator's share (${two.clientUs.toFixed(1)} µs a request) and the threads beside the JavaScript ones (V8's garbage collector and compiler: ${two.helperUs.toFixed(1)} µs a request) come out of what a second worker could add.`,
      '',
      `On paper, a 16-core machine: the authenticated route costs ${cpuUs.toFixed(1)} µs of CPU per request across the processes of \`--workers 2\`, so one core serves at most ${fmt(perCore)} req/s, and \`--workers 16\` (or \`auto\`) at most ${fmt(16 * perCore)} req/s, with the clients on other machines: node:cluster's primary only hands each new connection to a worker, and the workers share nothing but Redis, which an authenticated request does not touch (tokens and revocations are checked in memory).`,
      '',
      END,
    ].join('\n')
    const config = (await resolveConfig('bench/RESULTS.md')) ?? {}
    if (quick) {
      mkdirSync(new URL('results/', import.meta.url), { recursive: true })
      const file = new URL('results/scale.md', import.meta.url)
      writeFileSync(file, await format(report, { ...config, parser: 'markdown' }))
      console.log(`bench:scale: wrote ${file.pathname}`)
    } else {
      const file = new URL('RESULTS.md', import.meta.url)
      const text = readFileSync(file, 'utf8')
      const start = text.indexOf(START)
      const end = text.indexOf(END)
      const next =
        start === -1 || end === -1
          ? `${text.trimEnd()}\n\n${report}\n`
          : `${text.slice(0, start)}${report}${text.slice(end + END.length)}`
      writeFileSync(file, await format(next, { ...config, parser: 'markdown' }))
      console.log(`bench:scale: updated ${file.pathname}`)
    }
    console.log(report)
  } finally {
    await Promise.all(running.map((server) => server.stop()))
    await redis.stop()
  }
}

await main()
