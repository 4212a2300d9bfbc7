// The table printed after a run, and the Markdown report written beside it.
import type { LoadTool } from './load.ts'
import type { Machine } from './machine.ts'

/** One case's figures: medians over the rounds, sums of counts. */
export interface CaseResult {
  readonly label: string
  readonly baseline: string
  readonly authenticated: boolean
  /** req/s of each round, in round order. */
  readonly rounds: readonly number[]
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  readonly non2xx: number
  readonly socketErrors: number
  readonly rssStartMiB: number | undefined
  readonly rssMiB: number | undefined
}

export interface ReportInput {
  readonly date: Date
  readonly machine: Machine
  readonly tool: LoadTool
  readonly command: string
  /** Where README.md is, seen from the report. */
  readonly readmeLink: string
  readonly settings: { rounds: number; seconds: number; warmupSeconds: number }
  readonly urls: readonly { label: string; url: string; authenticated: boolean }[]
  readonly table: string
  readonly results: readonly CaseResult[]
}

const integer = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => `${n.toFixed(2)} ms`
const mib = (n: number | undefined): string => (n === undefined ? '?' : `${n.toFixed(1)} MiB`)
const ratio = (n: number, of: number | undefined): string =>
  of === undefined || of === 0 ? '?' : `${(n / of).toFixed(2)}×`

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)} ` : ` ${'-'.repeat(w)}:`)).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** The one table: medians, RSS after the run, and ratios to plain Fastify. */
export function measuredTable(results: readonly CaseResult[], unauthBaseline: string): string {
  const rpsOf = (label: string): number | undefined => results.find((r) => r.label === label)?.rps
  return markdownTable(
    [
      'case',
      'req/s',
      'p50',
      'p99',
      'RSS after',
      'vs Fastify, same kind',
      'vs Fastify unauth',
      'non-2xx',
    ],
    results.map((r) => [
      r.label,
      integer(r.rps),
      ms(r.p50Ms),
      ms(r.p99Ms),
      mib(r.rssMiB),
      ratio(r.rps, rpsOf(r.baseline)),
      ratio(r.rps, rpsOf(unauthBaseline)),
      String(r.non2xx),
    ]),
  )
}

export function markdownReport(input: ReportInput): string {
  const { machine, tool, settings, results } = input
  const rounds = markdownTable(
    [
      'case',
      ...(results[0]?.rounds ?? []).map((_, i) => `round ${i + 1} req/s`),
      'requests',
      'socket errors',
      'RSS at start',
    ],
    results.map((r) => [
      r.label,
      ...r.rounds.map(integer),
      integer(r.requests),
      String(r.socketErrors),
      mib(r.rssStartMiB),
    ]),
  )
  return `# dara-ts benchmark: results

Written by \`${input.command}\` on ${input.date.toISOString()}. How to read and reproduce
these figures: [README.md](${input.readmeLink}).

## Machine

- CPUs (\`nproc\`): ${machine.nproc}
- CPU: ${machine.cpu}
- Memory: ${machine.memory}
- Node: ${machine.node}
- OS: ${machine.os}

## Method

- Load: ${tool.description}
- ${settings.rounds} round(s) of ${settings.seconds} s per case, after one warm-up of ${settings.warmupSeconds} s
  per case; in each round the cases run one after another, each round starting one case
  later. The figures are the medians over the rounds.
- Each server is its own child process (\`node --import tsx bench/servers/<file>\`) on
  127.0.0.1; RSS is VmRSS from \`/proc/<pid>/status\` after the last round.

Commands of one measured run:

\`\`\`sh
${input.urls.map((u) => tool.commandFor(u.url, settings.seconds, u.authenticated)).join('\n')}
\`\`\`

## Figures

${input.table}

Each round:

${rounds}
`
}
