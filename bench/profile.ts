// Reads V8 CPU profiles (from `npm run bench -- --cpu-prof`) and prints where
// the time went. With one profile: the owners (dara-ts, Fastify, Node's core,
// the garbage collector, the kernel's calls), then the functions with the most
// self time and the most inclusive time, as a text stand-in for a flame graph.
// With several: one markdown table of self time by owner, a column a profile,
// so that servers and Node lines can be read side by side.
//
//   npx tsx bench/profile.ts bench/results/profiles/node24/dara-hello/CPU.<...>.cpuprofile [--top=25] [--match=dist/]
//   npx tsx bench/profile.ts --top=12 a.cpuprofile b.cpuprofile ...
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
  readonly children?: readonly number[]
}
interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, match: { type: 'string' } },
})
if (positionals.length === 0) {
  throw new Error('usage: bench/profile.ts <file.cpuprofile> [more.cpuprofile ...] [--top=N]')
}
const top = Number(values.top)

const where = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame
  const short = url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/(src|dist|bench)\//, '$1/')
  return `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim()
}

/** Where a frame's code lives: a package, dara-ts itself, Node's core, or V8 and the kernel. */
const owner = (node: ProfileNode): string => {
  const { url, functionName } = node.callFrame
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]
  if (pkg !== undefined) return pkg
  if (/\/(src|dist)\//.test(url)) return 'dara-ts'
  if (/\/bench\//.test(url)) return 'the bench server itself'
  if (url.startsWith('node:')) return 'Node.js core (JS)'
  if (functionName === '(garbage collector)') return 'garbage collector'
  if (functionName.startsWith('(')) return functionName
  return `native: ${functionName}`
}

interface Read {
  /** Busy time (idle left out), in µs. */
  readonly total: number
  readonly self: Map<string, number>
  readonly inclusive: Map<string, number>
  readonly byOwner: Map<string, number>
}

function read(file: string): Read {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const byOwner = new Map<string, number>()
  let total = 0
  const add = (map: Map<string, number>, key: string, dt: number): void => {
    map.set(key, (map.get(key) ?? 0) + dt)
  }
  // Idle time is left out: the shares are of the time the process was busy.
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    const node = byId.get(id)
    if (node === undefined || node.callFrame.functionName === '(idle)') return
    total += dt
    add(self, where(node), dt)
    add(byOwner, owner(node), dt)
    const seen = new Set<string>()
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const key = where(byId.get(n) ?? node)
      if (seen.has(key)) continue
      seen.add(key)
      add(inclusive, key, dt)
    }
  })
  return { total, self, inclusive, byOwner }
}

const share = (us: number, total: number): string => `${((100 * us) / total).toFixed(1)}%`

if (positionals.length === 1) {
  const { total, self, inclusive, byOwner } = read(positionals[0] ?? '')
  const print = (title: string, table: Map<string, number>): void => {
    console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms busy)`)
    const rows = [...table.entries()]
      .filter(([key]) => values.match === undefined || key.includes(values.match))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
    for (const [key, us] of rows) console.log(`${share(us, total).padStart(6)}  ${key}`)
  }
  print('self time by owner', byOwner)
  print('self time', self)
  print('inclusive time', inclusive)
} else {
  // A column a profile, named by its folder (node24/dara-hello); the owners that
  // weigh most across them as rows, the rest summed.
  const reads = positionals.map((file) => ({
    name: path.relative(path.dirname(path.dirname(path.dirname(file))), path.dirname(file)),
    ...read(file),
  }))
  const weight = new Map<string, number>()
  for (const r of reads)
    for (const [key, us] of r.byOwner) weight.set(key, (weight.get(key) ?? 0) + us / r.total)
  const owners = [...weight.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key]) => key)
  const rest = (r: Read): number =>
    [...r.byOwner.entries()]
      .filter(([key]) => !owners.includes(key))
      .reduce((n, [, us]) => n + us, 0)
  console.log(`| self time by owner | ${reads.map((r) => r.name).join(' | ')} |`)
  console.log(`| --- | ${reads.map(() => '--:').join(' | ')} |`)
  for (const key of owners) {
    // A regular expression's source may hold a pipe, which would end the cell.
    const cell = key.replaceAll('|', '\\|')
    console.log(
      `| ${cell} | ${reads.map((r) => share(r.byOwner.get(key) ?? 0, r.total)).join(' | ')} |`,
    )
  }
  console.log(`| everything else | ${reads.map((r) => share(rest(r), r.total)).join(' | ')} |`)
  console.log(
    `| busy time profiled | ${reads.map((r) => `${(r.total / 1e6).toFixed(1)} s`).join(' | ')} |`,
  )
}
