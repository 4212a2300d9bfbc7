// The signing secret: DARA_JWT_SECRET, required in production; in development a
// generated one kept in a file of mode 0600 that version control ignores, so a
// restart logs nobody out. And `dara hash-password`, as a user runs it.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { verifyPassword } from 'dara-ts/auth'
import { resolveSecret } from '../../src/auth/secret.ts'
import { SECRET } from '../helpers/auth.ts'
import { ROOT } from '../helpers/processes.ts'

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'dara-secret-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

void test('DARA_JWT_SECRET wins; a secret given in code wins over it', () => {
  assert.deepEqual(resolveSecret({ env: { DARA_JWT_SECRET: SECRET } }), {
    secret: SECRET,
    source: 'environment',
  })
  assert.deepEqual(resolveSecret({ secret: 'y'.repeat(32), env: { DARA_JWT_SECRET: SECRET } }), {
    secret: 'y'.repeat(32),
    source: 'option',
  })
})

void test('production without DARA_JWT_SECRET is a start error that says how to make one', () => {
  assert.throws(() => resolveSecret({ env: { NODE_ENV: 'production' } }), {
    code: 'DARA_ERR_AUTH_SECRET_MISSING',
    message:
      /^DARA_ERR_AUTH_SECRET_MISSING: DARA_JWT_SECRET is not set and NODE_ENV is "production"/,
  })
  assert.throws(() => resolveSecret({ env: { NODE_ENV: 'production', DARA_JWT_SECRET: '' } }), {
    code: 'DARA_ERR_AUTH_SECRET_MISSING',
  })
})

void test('development generates a secret once, in a 0600 file that git ignores', (t) => {
  const dir = tempDir(t)
  const file = join(dir, '.dara', 'secret')
  const first = resolveSecret({ env: {}, file })
  assert.equal(first.source, 'generated')
  assert.match(first.secret, /^[\w-]{43}$/)
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.equal(statSync(join(dir, '.dara')).mode & 0o777, 0o700)
  assert.equal(readFileSync(join(dir, '.dara', '.gitignore'), 'utf8'), '*\n')
  assert.deepEqual(resolveSecret({ env: {}, file }), { secret: first.secret, source: 'file' })
})

function dara(args: readonly string[], input: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'dara.js'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  })
}

void test('dara hash-password reads standard input and prints a hash that verifies', async () => {
  const run = dara(['hash-password'], 'correct horse battery\n')
  assert.equal(run.status, 0, run.stderr)
  const hash = run.stdout.trim()
  assert.match(hash, /^\$scrypt\$ln=15,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/)
  assert.equal(await verifyPassword('correct horse battery', hash), true)
  assert.equal(await verifyPassword('correct horse battery\n', hash), false)

  const empty = dara(['hash-password'], '')
  assert.equal(empty.status, 1)
  assert.equal(
    empty.stderr,
    'error DARA_ERR_CLI_USAGE: The password is empty. Run `dara --help` for usage.\n',
  )
})

void test('dara start in production without a secret stops with one line', () => {
  const run = dara(['start', 'tests/fixtures/redis-app.ts', '--port', '0'], '', {
    NODE_ENV: 'production',
    DARA_JWT_SECRET: '',
    DARA_REDIS_URL: '',
  })
  assert.equal(run.status, 1)
  const lines = run.stderr.trim().split('\n')
  assert.equal(lines.length, 1, run.stderr)
  assert.match(lines[0] ?? '', /^error DARA_ERR_AUTH_SECRET_MISSING: DARA_JWT_SECRET is not set/)
})
