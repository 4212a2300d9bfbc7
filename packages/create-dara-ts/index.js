#!/usr/bin/env node
// `npm create dara-ts [dir]` runs this: it hands over to `dara init [dir]` of the
// dara-ts this package depends on, so the two never write different apps.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import process from 'node:process'

const manifestPath = createRequire(import.meta.url).resolve('dara-ts/package.json')
const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'))
const dara = join(dirname(manifestPath), typeof bin === 'string' ? bin : bin.dara)
const { status } = spawnSync(process.execPath, [dara, 'init', ...process.argv.slice(2)], {
  stdio: 'inherit',
})
process.exitCode = status ?? 1
