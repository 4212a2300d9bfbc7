// `npm run bench:ui-size`: what the browser downloads. The built-in UI's
// JavaScript and CSS as built in dist/ui (`npm run build`), raw and gzipped
// (level 9, as a server or CDN would send it), and what a component of the
// app's own adds: examples/components built by `dara build` into a temporary
// folder. Deterministic: sizes, not times.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function sizes(dir: string, filter: (name: string) => boolean) {
  return readdirSync(dir)
    .filter(filter)
    .sort()
    .map((name) => {
      const body = readFileSync(join(dir, name))
      return { name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }
    })
}

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`

const ui = sizes(join(ROOT, 'dist/ui/assets'), (name) => /\.(js|css)$/.test(name))
const out = join(mkdtempSync(join(tmpdir(), 'dara-ui-size-')), 'ui')
execFileSync(
  process.execPath,
  ['bin/dara.js', 'build', 'examples/components/main.ts', '--out', out],
  { cwd: ROOT, stdio: 'ignore' },
)
const own = sizes(out, (name) => name.endsWith('.js'))

console.log('| file | raw | gzip -9 |\n| --- | --- | --- |')
for (const row of [...ui.map((r) => ({ ...r, name: `dist/ui/assets/${r.name}` })), ...own])
  console.log(
    `| ${row.name.replace(/-[\w-]{8}\./, '-<hash>.')} | ${kb(row.raw)} | ${kb(row.gzip)} |`,
  )
const js = ui.filter((row) => row.name.endsWith('.js')).reduce((sum, row) => sum + row.gzip, 0)
const added = own.reduce((sum, row) => sum + row.gzip, 0)
console.log(`\nBuilt-in UI JavaScript, gzipped: ${kb(js)} (budget: 80 kB)`)
console.log(`Added by the RowList example (registry + component), gzipped: ${kb(added)}`)
