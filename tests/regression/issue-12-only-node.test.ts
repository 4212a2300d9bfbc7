// Issue 12: `npm test` on a machine with only Node. The suites that need
// redis-server, chromium or Debian's python3-requests skip with their reason,
// and the run ends by listing them; in CI a skip fails the run instead. The
// programs are hidden for real: a PATH without them, and a Python without its
// Debian modules.
import assert from 'node:assert/strict'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { run } from '../helpers/run.ts'

const HIDDEN = new Set(['redis-server', 'chromium'])
const SETUP = 'run `bash scripts/setup-system.sh` to run this suite'

/**
 * The environment of a machine without the hidden programs: a PATH with every
 * other program of this one, and a Python without site-packages (Debian's
 * modules), or none at all where this machine has none.
 */
function onlyNode(t: TestContext): { env: Record<string, string>; python: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dara-only-node-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  for (const from of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!from || !existsSync(from)) continue
    for (const name of readdirSync(from)) {
      if (HIDDEN.has(name) || existsSync(join(bin, name))) continue
      symlinkSync(join(from, name), join(bin, name))
    }
  }
  const python = join(dir, 'python3')
  if (existsSync('/usr/bin/python3')) {
    writeFileSync(python, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n', { mode: 0o755 })
  }
  return { env: { PATH: bin, DARA_TEST_PYTHON: python, CI: '' }, python }
}

/** `npm run test:unit -- args` as it runs on that machine. */
function testUnit(env: Record<string, string>, args: readonly string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/test.ts', ...args], env, 120_000)
}

void test(
  'the suites that need what is missing skip, and the run ends by saying which and why',
  { timeout: 150_000 },
  async (t) => {
    const { env, python } = onlyNode(t)
    const result = await testUnit(env, [
      '--test-name-pattern=RedisSessionStore|chromium|README commands|shared store',
      'tests/auth/stores.test.ts',
      'tests/browser/login.test.ts',
      'tests/cli/token.test.ts',
    ])
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /^ℹ fail 0$/m)
    const summary = result.stdout.slice(result.stdout.indexOf('ℹ skips:'))
    assert.equal(
      summary,
      [
        'ℹ skips: 4 suites, by reason:',
        `ℹ - ${python} cannot import requests (Debian's python3-requests): ${SETUP} (2 suites):`,
        'ℹ     tests/cli/token.test.ts: dara token revoke through a shared store',
        'ℹ     tests/cli/token.test.ts: the README commands',
        `ℹ - chromium is not installed: ${SETUP} (1 suite):`,
        'ℹ     tests/browser/login.test.ts: login page in chromium',
        `ℹ - redis-server is not installed: ${SETUP} (1 suite):`,
        'ℹ     tests/auth/stores.test.ts: RedisSessionStore',
        '',
      ].join('\n'),
    )
  },
)

void test(
  'in CI, where every program is installed, a skip fails the run',
  { timeout: 150_000 },
  async (t) => {
    const { env } = onlyNode(t)
    const result = await testUnit({ ...env, CI: 'true' }, ['tests/browser/login.test.ts'])
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.match(
      result.stdout,
      /CI must not skip: chromium is not installed: run `bash scripts\/setup-system\.sh` to run this suite/,
    )
    assert.match(result.stdout, /^ℹ fail 1$/m)
  },
)

void test('a run that skips nothing says so', { timeout: 150_000 }, async () => {
  const result = await testUnit({}, ['tests/internals/errors-docs.test.ts'])
  assert.equal(result.code, 0, result.stdout + result.stderr)
  assert.match(result.stdout, /^ℹ pass 3$/m)
  assert.match(result.stdout, /\nℹ skips: none\n$/)
})
