// The built-in UI's JavaScript stays under 80 kB gzipped: what every visitor
// downloads before the first page shows. `npm run bench:ui-size` prints the
// figures, and what an app's own component adds.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const ASSETS = fileURLToPath(new URL('../../dist/ui/assets/', import.meta.url))

void test('the built UI is under 80 kB of gzipped JavaScript', () => {
  const scripts = readdirSync(ASSETS).filter((name) => name.endsWith('.js'))
  assert.ok(scripts.length > 0, 'dist/ui is built')
  const total = scripts.reduce(
    (sum, name) => sum + gzipSync(readFileSync(join(ASSETS, name)), { level: 9 }).length,
    0,
  )
  assert.ok(total < 80_000, `${total} bytes gzipped`)
})
