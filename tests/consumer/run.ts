// `npm run test:consumer`: packs this repository, installs the tarball into
// fresh temporary projects (CommonJS and ESM) and uses it there as a new user
// would: see steps.ts. CI runs it on every supported Node line
// (scripts/test-node-lines.sh); it takes a few minutes, so `npm test` does not.
//
//   npm run test:consumer                                   the Node on PATH
//   npm run test:consumer -- --node /path/to/node ...       these Node binaries too
//   npm run test:consumer -- --tarball dara-ts-0.1.0.tgz    install this tarball, no pack
//   npm run test:consumer -- --keep                         keep the temporary projects
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { NODE_STEPS, SETUP_STEPS, type Context, type NodeLine } from './steps.ts'

const { values } = parseArgs({
  options: {
    node: { type: 'string', multiple: true, default: [] },
    tarball: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
})

function nodeLine(node: string): NodeLine {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${node} --version failed: ${result.stderr}`)
  return { node, version: result.stdout.trim() }
}

const lines = [process.execPath, ...(values.node ?? [])].map(nodeLine)
const root = mkdtempSync(join(tmpdir(), 'dara-consumer-'))
const ctx: Context = {
  root,
  tarball: values.tarball === undefined ? undefined : resolve(values.tarball),
  commonjs: join(root, 'commonjs-app'),
  module: join(root, 'module-app'),
  typescript7: join(root, 'typescript7'),
}

async function step(name: string, run: () => Promise<string | void>): Promise<boolean> {
  const started = performance.now()
  try {
    const note = await run()
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    console.log(`ok    ${name} (${seconds} s)${note ? `: ${note}` : ''}`)
    return true
  } catch (error) {
    console.log(`FAIL  ${name}`)
    console.log(error instanceof Error ? error.message : String(error))
    return false
  }
}

console.log(`consumer test in ${root}, on ${lines.map((line) => line.version).join(', ')}`)
let passed = true
for (const setup of SETUP_STEPS) {
  passed = await step(setup.name, () => setup.run(ctx))
  if (!passed) break
}
for (const line of passed ? lines : []) {
  for (const nodeStep of NODE_STEPS) {
    passed = await step(`[${line.version}] ${nodeStep.name}`, () => nodeStep.run(ctx, line))
    if (!passed) break
  }
  if (!passed) break
}
if (passed && !values.keep) rmSync(root, { recursive: true, force: true })
else console.log(`the projects are kept in ${root}`)
console.log(passed ? 'consumer test: passed' : 'consumer test: FAILED (the step above)')
process.exitCode = passed ? 0 : 1
