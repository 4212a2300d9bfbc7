// `dara init` as a new user runs it: the files it writes, the app they make
// (type-checked, its own test passing, served by dara start), and every way it
// refuses, with nothing written. `npm create dara-ts` reaches the same command.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test, type TestContext } from 'node:test'
import { call, field, ROOT, startDara } from '../helpers/processes.ts'

const BIN = join(ROOT, 'bin', 'dara.js')
const FILES = ['.gitignore', 'main.test.ts', 'main.ts', 'package.json', 'tsconfig.json']

interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a program in `cwd` to its end, killed after `timeout` ms. */
function runIn(
  cwd: string,
  command: string,
  args: readonly string[],
  options: { timeout?: number; uid?: number; gid?: number } = {},
): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, DARA_LOG_LEVEL: 'warn', NO_COLOR: '1' }
  // Set by the runner of this file: a test run below would report to it instead of printing.
  delete env['NODE_TEST_CONTEXT']
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: options.timeout ?? 30_000,
        env,
        ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}

const dara = (cwd: string, ...args: string[]) => runIn(cwd, process.execPath, [BIN, ...args])

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'dara-init-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function manifest(path: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
  assert.ok(typeof parsed === 'object' && parsed !== null)
  return { ...parsed }
}

/** A map of names to version ranges, as package.json holds them. */
function ranges(value: unknown): Record<string, string> {
  if (value === undefined) return {}
  assert.ok(typeof value === 'object' && value !== null)
  const entries = Object.entries(value)
  assert.ok(entries.every(([, range]) => typeof range === 'string'))
  return Object.fromEntries(entries.map(([name, range]) => [name, String(range)]))
}

const own = manifest(join(ROOT, 'package.json'))
/** What dara-ts asks for each package: as a peer first, then as a dependency, then for its own development. */
const range = {
  ...ranges(own['devDependencies']),
  ...ranges(own['dependencies']),
  ...ranges(own['peerDependencies']),
}

/** What dara init prints for `shown`, after "in". */
function summary(shown: string, next: string): string {
  return [
    `Created a dara-ts app in ${shown}:`,
    '  package.json   scripts dev, start, test and typecheck',
    '  main.ts        a public and an authenticated endpoint, and a configuration',
    '  main.test.ts   their test, with dara-ts/testing',
    '  tsconfig.json  strict, module nodenext',
    '  .gitignore     node_modules/ and .dara/',
    '',
    'Next:',
    `  ${next}npm install && npm run dev`,
    '',
  ].join('\n')
}

const usage = (line: string): Ran => ({ code: 1, stdout: '', stderr: `${line}\n` })

void test('dara init writes the app into a new folder and names the package after it', async (t) => {
  const dir = tempDir(t)
  const result = await dara(dir, 'init', 'My App')
  assert.deepEqual(result, {
    code: 0,
    stdout: summary('My App', "cd 'My App' && "),
    stderr: '',
  })
  const app = join(dir, 'My App')
  assert.deepEqual(readdirSync(app).sort(), FILES)
  assert.deepEqual(manifest(join(app, 'package.json')), {
    name: 'my-app',
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      dev: 'dara start main.ts --reload',
      start: 'dara start main.ts',
      test: 'tsx --test main.test.ts',
      typecheck: 'tsc',
    },
    dependencies: { 'dara-ts': `^${String(own['version'])}`, zod: range['zod'] },
    devDependencies: {
      '@types/node': range['@types/node'],
      tsx: range['tsx'],
      typescript: range['typescript'],
    },
  })
  assert.equal(readFileSync(join(app, '.gitignore'), 'utf8'), 'node_modules/\n.dara/\n')
  for (const file of ['main.ts', 'main.test.ts', 'tsconfig.json']) {
    assert.equal(
      readFileSync(join(app, file), 'utf8'),
      readFileSync(join(ROOT, 'templates', 'app', file), 'utf8'),
    )
  }
  assert.deepEqual(manifest(join(app, 'tsconfig.json'))['compilerOptions'], {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'nodenext',
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    types: ['node'],
  })
})

void test('dara init with no folder writes into the current one', async (t) => {
  const dir = join(tempDir(t), 'shop_2')
  mkdirSync(dir)
  writeFileSync(join(dir, 'README.md'), 'mine\n')
  const result = await dara(dir, 'init')
  assert.deepEqual(result, { code: 0, stdout: summary('this folder', ''), stderr: '' })
  assert.deepEqual(readdirSync(dir).sort(), [...FILES, 'README.md'].sort())
  assert.equal(manifest(join(dir, 'package.json'))['name'], 'shop_2')
  assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), 'mine\n')
})

void describe('dara init refuses with one line and writes nothing', { concurrency: 4 }, () => {
  void test('when any of its files is there', async (t) => {
    const dir = tempDir(t)
    writeFileSync(join(dir, 'main.ts'), '// mine\n')
    writeFileSync(join(dir, '.gitignore'), 'dist/\n')
    assert.deepEqual(
      await dara(dir, 'init', '.'),
      usage(
        'error DARA_ERR_INIT_EXISTS: this folder already holds main.ts, .gitignore; dara init writes nothing over existing files. Choose a new or empty folder: dara init my-app',
      ),
    )
    assert.deepEqual(readdirSync(dir).sort(), ['.gitignore', 'main.ts'])
    assert.equal(readFileSync(join(dir, 'main.ts'), 'utf8'), '// mine\n')
    assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), 'dist/\n')
  })

  void test('when the app was already written there', async (t) => {
    const dir = tempDir(t)
    assert.equal((await dara(dir, 'init', 'app')).code, 0)
    const before = readFileSync(join(dir, 'app', 'main.ts'), 'utf8')
    writeFileSync(join(dir, 'app', 'main.ts'), `${before}// edited\n`)
    assert.deepEqual(
      await dara(dir, 'init', 'app'),
      usage(
        'error DARA_ERR_INIT_EXISTS: app already holds package.json, main.ts, main.test.ts, tsconfig.json, .gitignore; dara init writes nothing over existing files. Choose a new or empty folder: dara init my-app',
      ),
    )
    assert.equal(readFileSync(join(dir, 'app', 'main.ts'), 'utf8'), `${before}// edited\n`)
  })

  void test('when the folder is a file', async (t) => {
    const dir = tempDir(t)
    writeFileSync(join(dir, 'app'), 'a file\n')
    assert.deepEqual(
      await dara(dir, 'init', 'app'),
      usage(
        'error DARA_ERR_INIT_DIR: Cannot create the app in app: it is a file, not a folder. Choose a folder you can write to: dara init my-app',
      ),
    )
    assert.deepEqual(
      await dara(dir, 'init', 'app/sub'),
      usage(
        'error DARA_ERR_INIT_DIR: Cannot create the app in app/sub: a part of the path is a file, not a folder. Choose a folder you can write to: dara init my-app',
      ),
    )
    assert.deepEqual(readdirSync(dir), ['app'])
    assert.equal(readFileSync(join(dir, 'app'), 'utf8'), 'a file\n')
  })

  void test('when the folder cannot be written', async (t) => {
    const dir = tempDir(t)
    const locked = join(dir, 'locked')
    mkdirSync(locked)
    chmodSync(dir, 0o755)
    chmodSync(locked, 0o555)
    // root writes anywhere: run as nobody then, as a user without the right would.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
    const result = await runIn(locked, process.execPath, [BIN, 'init', 'app'], asUser)
    assert.deepEqual(
      result,
      usage(
        'error DARA_ERR_INIT_DIR: Cannot create the app in app: permission denied. Choose a folder you can write to: dara init my-app',
      ),
    )
    assert.deepEqual(readdirSync(locked), [])
    const inPlace = await runIn(locked, process.execPath, [BIN, 'init'], asUser)
    assert.deepEqual(
      inPlace,
      usage(
        'error DARA_ERR_INIT_DIR: Cannot create the app in this folder: permission denied. Choose a folder you can write to: dara init my-app',
      ),
    )
    assert.deepEqual(readdirSync(locked), [])
  })

  void test('when given two folders', async (t) => {
    const dir = tempDir(t)
    assert.deepEqual(
      await dara(dir, 'init', 'a', 'b'),
      usage('error DARA_ERR_CLI_USAGE: Unexpected argument "b". Run `dara --help` for usage.'),
    )
    assert.deepEqual(readdirSync(dir), [])
  })
})

/**
 * A folder where the app finds this repository's dara-ts and the packages it
 * depends on, as `npm install` would lay them out: linked, not downloaded.
 */
function linkModules(app: string): void {
  const modules = join(app, 'node_modules')
  mkdirSync(join(modules, '.bin'), { recursive: true })
  mkdirSync(join(modules, '@types'))
  symlinkSync(ROOT, join(modules, 'dara-ts'))
  for (const name of ['zod', 'tsx', 'typescript', '@types/node']) {
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name))
  }
  symlinkSync(join(ROOT, 'node_modules', '.bin', 'tsx'), join(modules, '.bin', 'tsx'))
  symlinkSync(join(ROOT, 'node_modules', '.bin', 'tsc'), join(modules, '.bin', 'tsc'))
}

void test(
  'the app type-checks, passes its own test and answers as its comments say',
  { timeout: 240_000 },
  async (t) => {
    const dir = tempDir(t)
    assert.equal((await dara(dir, 'init', 'app')).code, 0)
    const app = join(dir, 'app')
    linkModules(app)
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

    const [typecheck, tested] = await Promise.all([
      runIn(app, npm, ['run', '--silent', 'typecheck'], { timeout: 180_000 }),
      runIn(app, npm, ['test', '--silent'], { timeout: 120_000 }),
    ])
    assert.deepEqual(typecheck, { code: 0, stdout: '', stderr: '' })
    assert.equal(tested.code, 0, tested.stdout + tested.stderr)
    assert.match(tested.stdout, /^# pass 2$/m)
    assert.match(tested.stdout, /^# fail 0$/m)

    const server = await startDara(t, 'main.ts', {}, app)
    const hello = await call(`${server.url}/api/hello?name=Ada`)
    assert.deepEqual([hello.status, hello.body], [200, { message: 'Hello, Ada!' }])
    const me = await call(`${server.url}/api/me`)
    assert.equal(me.status, 401)
    const login = await call(`${server.url}/api/auth/session`, { method: 'POST' })
    const token = field(login.body, 'token')
    assert.equal(typeof token, 'string')
    const user = await call(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${String(token)}` },
    })
    assert.deepEqual([user.status, user.body], [200, { user: 'user' }])
  },
)

void test('npm create dara-ts runs dara init of the dara-ts it depends on', async (t) => {
  const dir = tempDir(t)
  const created = manifest(join(ROOT, 'packages', 'create-dara-ts', 'package.json'))
  assert.deepEqual(created['dependencies'], { 'dara-ts': `^${String(own['version'])}` })
  assert.equal(created['version'], own['version'])

  // Installed as npm would: its own files copied, dara-ts beside it.
  const installed = join(dir, 'node_modules', 'create-dara-ts')
  mkdirSync(installed, { recursive: true })
  for (const file of ['index.js', 'package.json']) {
    copyFileSync(join(ROOT, 'packages', 'create-dara-ts', file), join(installed, file))
  }
  symlinkSync(ROOT, join(dir, 'node_modules', 'dara-ts'))

  const result = await runIn(dir, process.execPath, [join(installed, 'index.js'), 'my-app'])
  assert.deepEqual(result, {
    code: 0,
    stdout: summary('my-app', 'cd my-app && '),
    stderr: '',
  })
  assert.deepEqual(readdirSync(join(dir, 'my-app')).sort(), FILES)
  const again = await runIn(dir, process.execPath, [join(installed, 'index.js'), 'my-app'])
  assert.equal(again.code, 1)
  assert.match(again.stderr, /^error DARA_ERR_INIT_EXISTS: my-app already holds /)
})
