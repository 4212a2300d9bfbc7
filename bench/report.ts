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

export type { ColdStarts as ColdStartResult } from './cold-start.ts'
import type { ColdStarts as ColdStartResult } from './cold-start.ts'

/** Everything measured on one Node line. */
export interface LineResult {
  /** `Node 24.11.1`. */
  readonly line: string
  readonly major: number
  readonly results: readonly CaseResult[]
  readonly commands: readonly string[]
  readonly coldStart: ColdStartResult | undefined
  /** RSS of the compiled app at idle. */
  readonly idleMiB: number | undefined
}

/** One Node line's part of the report, its tables already formatted. */
export interface LineSection {
  readonly line: LineResult
  readonly table: string
  readonly goalsTable: string
}

export interface Goal {
  readonly goal: string
  readonly target: string
  readonly measured: string
  /** undefined when the case was not measured; null when the goal is not set for this line. */
  readonly met: boolean | null | undefined
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

/**
 * Each goal of the performance work, against one Node line's figures. Node 24
 * and later run AsyncLocalStorage on AsyncContextFrame; some goals are set for
 * them only, and are shown, without a verdict, on older lines.
 */
export function goals(line: LineResult, memory: MemoryResult | undefined): Goal[] {
  const { results, coldStart, idleMiB } = line
  const modern = line.major >= 24
  const rows: Goal[] = []
  const atLeast = (goal: string, id: string, to: string, target: number | undefined): void => {
    const r = ratioOf(results, id, to)
    rows.push({
      goal,
      target: target === undefined ? '(Node ≥ 24 only)' : `≥ ${target.toFixed(2)}×`,
      measured: times(r),
      met: r === undefined ? undefined : target === undefined ? null : r >= target,
    })
  }
  atLeast('dara-ts hello vs node:http hello', 'dara-hello', REFERENCE, modern ? 0.9 : 0.85)
  atLeast(
    'dara-ts hello vs Fastify hello + the same headers',
    'dara-hello',
    'fastify-headers-hello',
    0.95,
  )
  for (const id of ['dara-auth', 'dara-auth-redis']) {
    const label = CASES.find((c) => c.id === id)?.label
    if (label === undefined) continue
    atLeast(`${label} vs node:http hello`, id, REFERENCE, modern ? 0.7 : undefined)
    atLeast(`${label} vs FastAPI auth`, id, 'fastapi-auth', 4)
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
  for (const [id, to] of [
    ['dara-tracing-10', 'dara-hello'],
    ['dara-auth-tracing-10', 'dara-auth'],
  ] as const) {
    const label = CASES.find((c) => c.id === id)?.label ?? id
    atLeast(`${label} vs without`, id, to, modern ? 0.95 : undefined)
  }
  atLeast('20 fields: response schema vs JSON.stringify', 'dara-fields-typed', 'dara-fields', 1.5)
  atLeast('POST with zod vs without', 'dara-post-zod', 'dara-post', 0.8)
  if (coldStart !== undefined) {
    const ratio = coldStart.medianMs / coldStart.fastifyMs
    rows.push({
      goal: 'cold start of a compiled app vs bare Fastify (medians)',
      target: '≤ 1.50×',
      measured: `${ratio.toFixed(2)}× (${Math.round(coldStart.medianMs)} ms vs ${Math.round(coldStart.fastifyMs)} ms)`,
      met: ratio <= 1.5,
    })
  }
  if (idleMiB !== undefined) {
    rows.push({
      goal: 'idle RSS of a compiled app',
      target: '< 80 MiB',
      measured: mib(idleMiB),
      met: idleMiB < 80,
    })
  }
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
  }
  return rows
}

/** The main cases on every Node line, side by side: req/s and the ratio to that line's node:http hello. */
export function linesTable(lines: readonly LineResult[]): string {
  const ids = [
    REFERENCE,
    'fastify-hello',
    'fastify-headers-hello',
    'fastapi-hello',
    'dara-hello',
    'node-auth',
    'fastapi-auth',
    'dara-auth',
    'dara-auth-redis',
    'dara-tracing-10',
    'dara-auth-tracing-10',
    'dara-fields',
    'dara-fields-typed',
  ]
  const present = ids.filter((id) =>
    lines.some((l) => l.results.some((r) => r.benchCase.id === id)),
  )
  return markdownTable(
    ['case', ...lines.flatMap((l) => [`${l.line} req/s`, `× hello`, 'CPU/req'])],
    present.map((id) => [
      CASES.find((c) => c.id === id)?.label ?? id,
      ...lines.flatMap((l) => {
        const r = l.results.find((x) => x.benchCase.id === id)
        return r === undefined
          ? ['', '', '']
          : [
              integer(r.rps),
              times(ratioOf(l.results, id, REFERENCE)),
              Number.isNaN(r.cpuUsPerRequest) ? '?' : `${r.cpuUsPerRequest.toFixed(1)} µs`,
            ]
      }),
    ]),
  )
}

export function goalsTable(rows: readonly Goal[]): string {
  return markdownTable(
    ['goal', 'target', 'measured', 'met'],
    rows.map((g) => [
      g.goal,
      g.target,
      g.measured,
      g.met === undefined ? '?' : g.met === null ? 'n/a' : g.met ? 'yes' : 'NO',
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
  /** The Node lines side by side. */
  readonly summary: string
  readonly sections: readonly LineSection[]
  readonly memory: MemoryResult | undefined
}

export function markdownReport(input: ReportInput): string {
  const { machine, tool, settings, memory, sections } = input
  const parts = sections.map(({ line, table, goalsTable: goalRows }) => {
    const rounds = markdownTable(
      [
        'case',
        ...(line.results[0]?.rounds ?? []).map((_, i) => `round ${i + 1} req/s`),
        'requests',
        'socket errors',
        'RSS at start',
      ],
      line.results.map((r) => [
        r.benchCase.label,
        ...r.rounds.map(integer),
        integer(r.requests),
        String(r.socketErrors),
        mib(r.rssStartMiB),
      ]),
    )
    const cold =
      line.coldStart === undefined
        ? ''
        : `Cold start (\`${line.coldStart.command}\`, spawn to first 200), each run: ` +
          `${line.coldStart.runs.map((r) => `${Math.round(r)} ms`).join(', ')}; bare Fastify's median ` +
          `${Math.round(line.coldStart.fastifyMs)} ms.\n\n`
    return `## ${line.line}

${table}

### Goals on ${line.line}

${goalRows}

${cold}Each round:

${rounds}
`
  })
  const memoryLine =
    memory === undefined
      ? ''
      : `Memory (a fresh \`dara-ts auth, memory\` server on ${sections[0]?.line.line ?? "the machine's Node"}): idle ${mib(memory.idleMiB)}; after ` +
        `${integer(memory.firstRequests)} requests ${mib(memory.firstMiB)}; after ` +
        `${integer(memory.secondRequests)} requests ${mib(memory.secondMiB)}; non-2xx ${memory.non2xx}.\n`
  return `# dara-ts benchmark: results

Written by \`${input.command}\` on ${input.date.toISOString()}. How to read and reproduce
these figures: [README.md](${input.readmeLink}).

## Machine

- CPUs (\`nproc\`): ${machine.nproc}
- CPU: ${machine.cpu}
- Memory: ${machine.memory}
- Node: ${sections.map((s) => s.line.line).join(', ')}
- OS: ${machine.os}
- Load average when the run started: ${input.load}

## Method

- Load: ${tool.description}
- On each Node line: ${settings.rounds} round(s) of ${settings.seconds} s per case, after one
  warm-up of ${settings.warmupSeconds} s per case; in each round the cases run one after
  another, each round starting one case later. The figures are the medians over the rounds.
- Each server is its own child process on 127.0.0.1, running the compiled package
  (\`dist/\`); RSS is VmRSS from \`/proc/<pid>/status\` after the last round.

Commands of one measured run:

\`\`\`sh
${(sections[0]?.line.commands ?? []).join('\n')}
\`\`\`

## Every Node line

${input.summary}

${memoryLine}
${parts.join('\n')}`
}
