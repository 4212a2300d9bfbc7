// `npm run test:unit [-- [--test-name-pattern=re] file...]`: the test files (every
// *.test.ts under tests/, src/ and examples/, or those given) under node's test
// runner, reported by spec and ended by what was skipped and why
// (tests/helpers/skip-report.ts). `npm test` adds --checks: lint and typecheck
// first, side by side, and no tests if either fails.
//
// Files run several at a time: most of their time is spent waiting on child
// processes and sockets, so node's default of one file per core but one leaves
// a 2-core machine idle: twice the cores by default, DARA_TEST_CONCURRENCY to
// choose.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SkipReport } from '../tests/helpers/skip-report.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FOLDERS = ['tests', 'src', 'examples']

function testFiles(): string[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.test.ts') && !path.split(/[\\/]/).includes('node_modules'))
      .map((path) => join(ROOT, folder, path)),
  ).sort()
}

function concurrency(): number {
  const given = process.env['DARA_TEST_CONCURRENCY']
  if (given !== undefined && /^[1-9]\d*$/.test(given)) return Number(given)
  return availableParallelism() * 2
}

interface Checked {
  readonly script: string
  readonly code: number | null
  readonly output: string
}

/**
 * `npm run <script>` for each script at once (lint and typecheck each keep one
 * core busy), then each one's output in order. True when every one passed.
 */
async function check(scripts: readonly string[]): Promise<boolean> {
  const npm = process.env['npm_execpath']
  const results = await Promise.all(
    scripts.map(
      (script) =>
        new Promise<Checked>((done) => {
          const args = ['run', '--silent', script]
          const child =
            npm === undefined
              ? spawn('npm', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
              : spawn(process.execPath, [npm, ...args], {
                  cwd: ROOT,
                  stdio: ['ignore', 'pipe', 'pipe'],
                })
          let output = ''
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
          child.on('error', (error) => done({ script, code: null, output: error.message }))
          child.on('close', (code) => done({ script, code, output }))
        }),
    ),
  )
  for (const { script, code, output } of results) {
    process.stdout.write(
      `> npm run ${script}: ${code === 0 ? 'ok' : `failed (${code})`}\n${output}`,
    )
  }
  return results.every((result) => result.code === 0)
}

function runTests(files: readonly string[], patterns: readonly string[] | undefined): void {
  const skips = new SkipReport()
  // Each file runs in a child process that inherits this one's --import tsx.
  const stream = run({
    files,
    concurrency: concurrency(),
    ...(patterns ? { testNamePatterns: patterns } : {}),
  })
  stream.on('test:pass', (test) => skips.add(test))
  stream.on('test:fail', (test) => {
    skips.add(test)
    if (test.todo === undefined || test.todo === false) process.exitCode = 1
  })
  const report = stream.pipe(new spec())
  report.pipe(process.stdout, { end: false })
  report.on('end', () => process.stdout.write(skips.summary()))
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'test-name-pattern': { type: 'string', multiple: true },
    checks: { type: 'boolean' },
  },
})
if (values.checks && !(await check(['lint', 'typecheck']))) {
  process.exitCode = 1
} else {
  const files = positionals.length > 0 ? positionals.map((file) => resolve(file)) : testFiles()
  runTests(files, values['test-name-pattern'])
}
