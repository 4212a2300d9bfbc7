// The table printed after a run, the goals of the performance work checked
// against it, and the Markdown report written beside it.
import { CASES, REFERENCE, type BenchCase } from './cases.ts'
import type { LoadTool } from './load.ts'
import type { Machine } from './machine.ts'
import type { MemoryResult } from './memory.ts'

/** One case's figures: medians over the rounds, sums of counts. */
export interface CaseResult {
  readonly benchCase: BenchCase
  /** req/s of each round, in round order. */
  readonly rounds: readonly number[]
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** The server's CPU time (user + system) per request served. */
  readonly cpuUsPerRequest: number
  readonly requests: number
  readonly non2xx: number
  readonly socketErrors: number
  readonly rssStartMiB: number | undefined
  readonly rssMiB: number | undefined
}

export interface ColdStartResult {
  readonly command: string
  /** Milliseconds of each spawn, in order. */
  readonly runs: readonly number[]
  readonly medianMs: number
}

export interface Goal {
  readonly goal: string
  readonly target: string
  readonly measured: string
  /** undefined when the case was not measured. */
  readonly met: boolean | undefined
}

export interface Settings {
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
}

const integer = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => `${n.toFixed(2)} ms`
const mib = (n: number | undefined): string => (n === undefined ? '?' : `${n.toFixed(1)} MiB`)
const times = (n: number | undefined): string =>
  n === undefined || !Number.isFinite(n) ? '?' : `${n.toFixed(2)}×`

export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)} ` : ` ${'-'.repeat(w)}:`)).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

function ratioOf(results: readonly CaseResult[], id: string, to: string): number | undefined {
  const a = results.find((r) => r.benchCase.id === id)
  const b = results.find((r) => r.benchCase.id === to)
  return a === undefined || b === undefined || b.rps === 0 ? undefined : a.rps / b.rps
}

/** The one table: medians, RSS after the rounds, and ratios. */
export function measuredTable(results: readonly CaseResult[]): string {
  const labelOf = (id: string): string => CASES.find((c) => c.id === id)?.label ?? id
  return markdownTable(
    ['case', 'req/s', 'p50', 'p99', 'CPU/req', 'RSS', '× node:http hello', 'vs', 'non-2xx'],
    results.map((r) => [
      r.benchCase.label,
      integer(r.rps),
      ms(r.p50Ms),
      ms(r.p99Ms),
      Number.isNaN(r.cpuUsPerRequest) ? '?' : `${r.cpuUsPerRequest.toFixed(1)} µs`,
      mib(r.rssMiB),
      times(ratioOf(results, r.benchCase.id, REFERENCE)),
      r.benchCase.versus === undefined
        ? ''
        : `${times(ratioOf(results, r.benchCase.id, r.benchCase.versus))} ${labelOf(r.benchCase.versus)}`,
      String(r.non2xx + r.socketErrors),
    ]),
  )
}

/** Each goal of the performance work, against this run's figures. */
export function goals(
  results: readonly CaseResult[],
  coldStart: ColdStartResult | undefined,
  memory: MemoryResult | undefined,
): Goal[] {
  const rows: Goal[] = []
  const atLeast = (goal: string, id: string, to: string, target: number): void => {
    const r = ratioOf(results, id, to)
    rows.push({
      goal,
      target: `≥ ${target.toFixed(2)}×`,
      measured: times(r),
      met: r === undefined ? undefined : r >= target,
    })
  }
  atLeast('dara-ts hello vs node:http hello', 'dara-hello', REFERENCE, 0.9)
  for (const id of ['dara-auth', 'dara-auth-redis']) {
    const label = CASES.find((c) => c.id === id)?.label
    if (label === undefined) continue
    atLeast(`${label} vs node:http hello`, id, REFERENCE, 0.75)
    atLeast(`${label} vs FastAPI auth`, id, 'fastapi-auth', 2.5)
  }
  for (const id of ['dara-hello', 'dara-auth', 'dara-auth-redis']) {
    const r = results.find((x) => x.benchCase.id === id)
    if (r === undefined) continue
    rows.push({
      goal: `${r.benchCase.label}: p99 at 50 connections`,
      target: '≤ 3.00 ms',
      measured: ms(r.p99Ms),
      met: r.p99Ms <= 3,
    })
  }
  atLeast('POST with zod vs without', 'dara-post-zod', 'dara-post', 0.8)
  rows.push({
    goal: 'cold start, `dara start` to first 200 (median)',
    target: '≤ 400 ms',
    measured: coldStart === undefined ? '?' : `${Math.round(coldStart.medianMs)} ms`,
    met: coldStart === undefined ? undefined : coldStart.medianMs <= 400,
  })
  if (memory !== undefined) {
    const growth =
      memory.firstMiB === undefined || memory.secondMiB === undefined
        ? undefined
        : memory.secondMiB / memory.firstMiB - 1
    rows.push({
      goal: `RSS after ${integer(memory.secondRequests)} vs after ${integer(memory.firstRequests)} requests`,
      target: '≤ +10%',
      measured:
        growth === undefined
          ? '?'
          : `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% (${mib(memory.firstMiB)} → ${mib(memory.secondMiB)})`,
      met: growth === undefined ? undefined : growth <= 0.1,
    })
    rows.push({
      goal: 'idle RSS of the dara-ts server',
      target: '< 100 MiB',
      measured: mib(memory.idleMiB),
      met: memory.idleMiB === undefined ? undefined : memory.idleMiB < 100,
    })
  }
  return rows
}

export function goalsTable(rows: readonly Goal[]): string {
  return markdownTable(
    ['goal', 'target', 'measured', 'met'],
    rows.map((g) => [
      g.goal,
      g.target,
      g.measured,
      g.met === undefined ? '?' : g.met ? 'yes' : 'NO',
    ]),
  )
}

export interface ReportInput {
  readonly date: Date
  readonly machine: Machine
  readonly load: string
  readonly tool: LoadTool
  readonly command: string
  /** Where README.md is, seen from the report. */
  readonly readmeLink: string
  readonly settings: Settings
  readonly commands: readonly string[]
  readonly table: string
  readonly goalsTable: string
  readonly results: readonly CaseResult[]
  readonly coldStart: ColdStartResult | undefined
  readonly memory: MemoryResult | undefined
}

export function markdownReport(input: ReportInput): string {
  const { machine, tool, settings, results, coldStart, memory } = input
  const rounds = markdownTable(
    [
      'case',
      ...(results[0]?.rounds ?? []).map((_, i) => `round ${i + 1} req/s`),
      'requests',
      'socket errors',
      'RSS at start',
    ],
    results.map((r) => [
      r.benchCase.label,
      ...r.rounds.map(integer),
      integer(r.requests),
      String(r.socketErrors),
      mib(r.rssStartMiB),
    ]),
  )
  const extra: string[] = []
  if (coldStart !== undefined) {
    extra.push(
      `Cold start (\`${coldStart.command}\`, spawn to first 200 on \`/api/public\`), each run: ` +
        `${coldStart.runs.map((r) => `${Math.round(r)} ms`).join(', ')}.`,
    )
  }
  if (memory !== undefined) {
    extra.push(
      `Memory (a fresh \`dara-ts auth, memory\` server): idle ${mib(memory.idleMiB)}; after ` +
        `${integer(memory.firstRequests)} requests ${mib(memory.firstMiB)}; after ` +
        `${integer(memory.secondRequests)} requests ${mib(memory.secondMiB)}; non-2xx ${memory.non2xx}.`,
    )
  }
  return `# dara-ts benchmark: results

Written by \`${input.command}\` on ${input.date.toISOString()}. How to read and reproduce
these figures: [README.md](${input.readmeLink}).

## Machine

- CPUs (\`nproc\`): ${machine.nproc}
- CPU: ${machine.cpu}
- Memory: ${machine.memory}
- Node: ${machine.node}
- OS: ${machine.os}
- Load average when the run started: ${input.load}

## Method

- Load: ${tool.description}
- ${settings.rounds} round(s) of ${settings.seconds} s per case, after one warm-up of ${settings.warmupSeconds} s
  per case; in each round the cases run one after another, each round starting one case
  later. The figures are the medians over the rounds.
- Each server is its own child process on 127.0.0.1; RSS is VmRSS from
  \`/proc/<pid>/status\` after the last round.

Commands of one measured run:

\`\`\`sh
${input.commands.join('\n')}
\`\`\`

## Figures

${input.table}

## Goals

${input.goalsTable}

${extra.join('\n\n')}

Each round:

${rounds}
`
}
