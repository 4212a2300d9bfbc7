// Reads a V8 CPU profile (from `npm run bench -- --cpu-prof`) and prints where
// the time went: the functions with the most self time, and the most inclusive
// time, as a text stand-in for a flame graph.
//
//   npx tsx bench/profile.ts bench/results/profiles/CPU.<...>.cpuprofile [--top=25] [--match=src/]
import { readFileSync } from 'node:fs'
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
const file = positionals[0]
if (file === undefined) throw new Error('usage: bench/profile.ts <file.cpuprofile> [--top=N]')
const top = Number(values.top)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id)

const where = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame
  const short = url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')
  return `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim()
}

const self = new Map<string, number>()
const inclusive = new Map<string, number>()
let total = 0
// Idle time is left out: the shares are of the time the process was busy.
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  const node = byId.get(id)
  if (node === undefined || node.callFrame.functionName === '(idle)') return
  total += dt
  self.set(where(node), (self.get(where(node)) ?? 0) + dt)
  const seen = new Set<string>()
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const key = where(byId.get(n) ?? node)
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt)
  }
})

const print = (title: string, table: Map<string, number>): void => {
  console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms busy)`)
  const rows = [...table.entries()]
    .filter(([key]) => values.match === undefined || key.includes(values.match))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
  for (const [key, us] of rows) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(6)}%  ${key}`)
  }
}
/** Where a frame's code lives: a package, dara-ts's own source, Node's core, or V8 and the kernel. */
const owner = (node: ProfileNode): string => {
  const { url, functionName } = node.callFrame
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]
  if (pkg !== undefined) return pkg
  if (/\/src\//.test(url)) return 'dara-ts (src/)'
  if (/\/bench\//.test(url)) return 'the bench server itself'
  if (url.startsWith('node:')) return 'Node.js core (JS)'
  if (functionName === '(garbage collector)') return 'garbage collector'
  if (functionName.startsWith('(')) return functionName
  return `native: ${functionName}`
}
const byOwner = new Map<string, number>()
profile.samples.forEach((id, i) => {
  const node = byId.get(id)
  if (node === undefined || node.callFrame.functionName === '(idle)') return
  byOwner.set(owner(node), (byOwner.get(owner(node)) ?? 0) + (profile.timeDeltas[i] ?? 0))
})
print('self time by owner', byOwner)
print('self time', self)
print('inclusive time', inclusive)
