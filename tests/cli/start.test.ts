// `dara start` as a user runs it: a child process on a free port, called with
// fetch, stopped with SIGTERM; and every way it refuses to start, as one line.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { SECRET, bearer, claimsOf, tokenOf } from '../helpers/auth.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** A start takes a second or two, but far more on two cores that several test files share. */
const START_TIMEOUT = 60_000
/** The routes every app mounts under /api/auth and the probes, as the table prints them. */
const AUTH_ROUTES = [
  ['POST', '/api/auth/session', 'public'],
  ['POST', '/api/auth/verify-session', 'authenticated'],
  ['GET', '/api/auth/user', 'authenticated'],
  ['POST', '/api/auth/refresh-token', 'public'],
  ['POST', '/api/auth/revoke-session', 'authenticated'],
  // Signed with the app's secret for their exact body: `dara token` reaches a running app.
  ['POST', '/api/auth/admin/token', 'public'],
  ['POST', '/api/auth/admin/revoke', 'public'],
  ['GET', '/api/core/health', 'public'],
  ['GET', '/api/core/ready', 'public'],
]
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+))$/m

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DARA_JWT_SECRET: SECRET,
    DARA_LOG_LEVEL: 'warn',
    ...extra,
  }
  delete env['PORT']
  return env
}

interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** `dara ...args` through its bin, with `nodeArgs` given to node (to preload a module). */
function spawnDara(args: readonly string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, 'bin/dara.js', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk))
  const exited = new Promise<Exit>((done) => {
    child.on('close', (code, signal) => done({ code, signal }))
  })
  return { child, output, exited }
}

function stillRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

interface Running {
  readonly url: string
  readonly child: ChildProcess
  readonly output: { readonly stdout: string; readonly stderr: string }
  readonly exited: Promise<Exit>
}

/** Starts `dara start ...args` and waits for its "listening on" line; killed when the test ends. */
async function startDara(t: TestContext, args: readonly string[]): Promise<Running> {
  const { child, output, exited } = spawnDara(args, childEnv())
  t.after(() => {
    if (stillRunning(child)) child.kill('SIGKILL')
  })
  const deadline = Date.now() + START_TIMEOUT
  let done: Exit | undefined
  void exited.then((exit) => (done = exit))
  for (;;) {
    const match = LISTENING.exec(output.stdout)
    if (match?.[1]) return { url: match[1], child, output, exited }
    if (done) {
      assert.fail(`dara start exited (${JSON.stringify(done)}) before listening:\n${output.stderr}`)
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      assert.fail(
        `dara start did not listen within ${START_TIMEOUT} ms:\n${output.stdout}${output.stderr}`,
      )
    }
    await sleep(20)
  }
}

/**
 * Runs `dara ...args` to its end, or kills it after `timeout` ms: long enough
 * for a start on a loaded machine, where other test files run at the same time.
 */
async function runDara(args: readonly string[], env = childEnv(), timeout = 40_000) {
  const { child, output, exited } = spawnDara(args, env)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
  const exit = await exited
  clearTimeout(timer)
  return { ...exit, ...output, timedOut: exit.signal === 'SIGKILL' }
}

/** How a running app exits, failing the test if it has not within 10 s. */
async function exitOf(app: Running): Promise<Exit> {
  const timeout = sleep(10_000, undefined, { ref: false })
  const exit = await Promise.race([app.exited, timeout])
  assert.ok(exit, 'no exit within 10 s')
  return exit
}

/** Stops a running app with one signal and returns how it exited. */
async function stop(app: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
  app.child.kill(signal)
  return exitOf(app)
}

/** The route table that dara start prints under its "listening" line. */
function routeTable(stdout: string): string[][] {
  return stdout
    .split('\n')
    .map((line) => /^\s+(GET|POST|PUT|PATCH|DELETE)\s+(\/\S*)\s+(authenticated|public)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => match.slice(1))
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/session`, { method: 'POST' })
  assert.equal(res.status, 200)
  return tokenOf(await res.json())
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { headers })
  assert.equal(res.status, 200, `GET ${url}`)
  return res.json()
}

void test(
  'the seed app answers every snippet, and exits 0 on SIGTERM',
  { timeout: 90_000 },
  async (t) => {
    const app = await startDara(t, ['start', 'examples/seed/main.ts', '--port', '0'])
    const { url } = app
    const token = await login(url)
    const auth = bearer(token)

    assert.equal(await getJson(`${url}/api/custom/`, auth), 'Hello World')
    assert.equal(await getJson(`${url}/api/custom-async/`, auth), 'Hello World')
    assert.equal(await getJson(`${url}/api/greetings`, auth), 'Hello from United Kingdom')
    assert.deepEqual(await getJson(`${url}/api/custom`, auth), {
      userData: { identityId: 'user', identityName: 'user', groups: [] },
      sessionId: claimsOf(token).sid,
    })
    assert.deepEqual(await getJson(`${url}/api/public`), { userData: null, sessionId: null })

    const text = await fetch(`${url}/api/upload`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'a,b,c',
    })
    assert.equal(text.status, 200)
    assert.deepEqual(await text.json(), { received: 5 })
    const json = await fetch(`${url}/api/upload`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    })
    assert.equal(json.status, 200)
    assert.deepEqual(await json.json(), { received: '{"a":1}'.length })

    const refused = await fetch(`${url}/api/greetings`)
    assert.equal(refused.status, 401)

    assert.deepEqual(await stop(app), { code: 0, signal: null })
    assert.equal(app.output.stderr, '')
  },
)

void test(
  'the printed route table lists every route of the seed app',
  { timeout: 90_000 },
  async (t) => {
    const app = await startDara(t, ['start', 'examples/seed/main.ts', '--port', '0'])
    assert.match(
      app.output.stdout,
      /^dara-ts app examples\/seed\/main\.ts listening on http:\/\/127\.0\.0\.1:\d+$/m,
    )
    assert.match(
      app.output.stdout,
      /^API docs: http:\/\/127\.0\.0\.1:\d+\/api\/docs \(OpenAPI: \/api\/openapi\.json\)\nready in \d+ ms\n/m,
    )
    assert.deepEqual(routeTable(app.output.stdout), [
      ...AUTH_ROUTES,
      ['GET', '/api/custom/', 'authenticated'],
      ['GET', '/api/custom-async/', 'authenticated'],
      ['POST', '/api/upload', 'authenticated'],
      ['GET', '/api/greetings', 'authenticated'],
      ['GET', '/api/custom', 'authenticated'],
      ['GET', '/api/public', 'public'],
    ])
    assert.deepEqual(await stop(app, 'SIGINT'), { code: 0, signal: null })
  },
)

void test('the configured seed app says "Hello from USA"', { timeout: 90_000 }, async (t) => {
  const app = await startDara(t, ['start', 'examples/seed/main-usa.ts', '--port', '0'])
  const auth = bearer(await login(app.url))
  assert.equal(await getJson(`${app.url}/api/greetings`, auth), 'Hello from USA')
  assert.deepEqual(routeTable(app.output.stdout), [
    ...AUTH_ROUTES,
    ['GET', '/api/greetings', 'authenticated'],
  ])
  const missing = await fetch(`${app.url}/api/custom/`, { headers: auth })
  assert.equal(missing.status, 404)
  assert.deepEqual(await stop(app), { code: 0, signal: null })
})

void test(
  'SIGTERM lets a request in flight finish, then exits 0',
  { timeout: 90_000 },
  async (t) => {
    const app = await startDara(t, ['start', 'tests/fixtures/slow.ts', '--port', '0'])
    const pending = fetch(`${app.url}/api/slow`)
    await sleep(150)
    app.child.kill('SIGTERM')
    const res = await pending
    assert.equal(res.status, 200)
    assert.equal(await res.json(), 'finished')
    assert.deepEqual(await exitOf(app), { code: 0, signal: null })
  },
)

void test(
  'SIGTERM the moment the listening line is written still closes gracefully (exit 0)',
  { timeout: 90_000 },
  async () => {
    // The fixture sends SIGTERM from inside that write: a handler installed
    // after the line would come too late, and the signal would kill the process.
    const { child, output, exited } = spawnDara(
      ['start', 'examples/seed/main.ts', '--port', '0'],
      childEnv(),
      ['--import', './tests/fixtures/sigterm-on-listening.js'],
    )
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const exit = await exited
    clearTimeout(timer)
    assert.match(output.stdout, LISTENING)
    assert.deepEqual(exit, { code: 0, signal: null }, output.stderr)
  },
)

/** The one stderr line of a start that failed, checked for shape: no stack, no second line. */
function startError(result: Awaited<ReturnType<typeof runDara>>): string {
  assert.equal(result.timedOut, false, `dara did not stop:\n${result.stdout}`)
  assert.equal(result.code, 1, result.stderr)
  assert.doesNotMatch(result.stdout, /listening on/)
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace')
  const lines = result.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`)
  const [line = ''] = lines
  assert.match(line, /^error( DARA_ERR_[A-Z_]+:|:) \S/)
  return line
}

interface StartErrorCase {
  readonly name: string
  readonly args: readonly string[]
  readonly env?: Record<string, string>
  /** The whole line, or a pattern where the line holds details of the machine. */
  readonly line: string | RegExp
}

const ERROR_CASES: readonly StartErrorCase[] = [
  {
    name: 'missing entry file',
    args: ['start', 'tests/fixtures/does-not-exist.ts', '--port', '0'],
    line: `error DARA_ERR_ENTRY_NOT_FOUND: Cannot find the app entry ${resolve(ROOT, 'tests/fixtures/does-not-exist.ts')}. Pass its path: dara start path/to/main.ts`,
  },
  {
    name: 'an entry without `export const config`',
    args: ['start', 'tests/fixtures/no-config.ts', '--port', '0'],
    line: 'error DARA_ERR_ENTRY_NO_CONFIG: tests/fixtures/no-config.ts does not export `config`. Add `export const config = new ConfigurationBuilder()` to it.',
  },
  {
    name: 'an entry whose `config` is not a ConfigurationBuilder',
    args: ['start', 'tests/fixtures/config-not-builder.ts', '--port', '0'],
    line: 'error DARA_ERR_ENTRY_CONFIG_TYPE: tests/fixtures/config-not-builder.ts exports `config`, but it is a plain object, not a ConfigurationBuilder. Export the builder itself: `export const config = new ConfigurationBuilder()` (from dara-ts, the copy this app installs).',
  },
  {
    name: 'a session store class given where an instance or a factory goes',
    args: ['start', 'tests/fixtures/session-store-class.ts', '--port', '0'],
    line: 'error DARA_ERR_SESSION_STORE_INVALID: config.setSessionStore() was given the class RedisSessionStore itself, not an instance (write new RedisSessionStore({ ... })). Pass a session store (new RedisSessionStore({ url }), or your own SessionStore), or a function that returns one.',
  },
  {
    name: 'a configuration injected but neither added nor defaulted',
    args: ['start', 'tests/fixtures/missing-configuration.ts', '--port', '0'],
    line: 'error DARA_ERR_CONFIG_MISSING: GET /files needs configuration StorageSettings, but none was added and StorageSettings has no static default(). Add one with config.addConfiguration(new StorageSettings({ ... })), or give the class a static default().',
  },
  {
    name: 'a duplicate route',
    args: ['start', 'tests/fixtures/duplicate-route.ts', '--port', '0'],
    line: 'error DARA_ERR_ROUTE_DUPLICATE: GET /api/items/:key is declared twice (url "/items/{id}" with handler itemById and url "/items/:key" with handler itemByKey). Give one of them another path or method, or register the same route object once.',
  },
  {
    name: 'a route under /auth/',
    args: ['start', 'tests/fixtures/reserved-route.ts', '--port', '0'],
    line: 'error DARA_ERR_ROUTE_RESERVED: POST /api/auth/login lies under /api/auth/, which belongs to dara-ts. Move the endpoint to another path, for example /api/app-auth/login.',
  },
  {
    name: 'a page component with no React side',
    args: ['start', 'tests/fixtures/no-react-side.ts', '--port', '0'],
    line: 'error DARA_ERR_COMPONENT_NO_UI: Page "Dashboard" uses component Chart, which the UI cannot render: it has no React side (the UI knows Button, Card, Heading, Stack, Table, Text, UploadDropzone). Build the page from those components, or register Chart with config.addComponent() without placing it in a page.',
  },
  {
    name: 'an unknown command',
    args: ['serve', 'examples/seed/main.ts'],
    line: 'error DARA_ERR_CLI_USAGE: Unknown command "serve". Run `dara --help` for usage.',
  },
  {
    name: 'an extra argument',
    args: ['start', 'examples/seed/main.ts', 'examples/seed/main-usa.ts'],
    line: 'error DARA_ERR_CLI_USAGE: Unexpected argument "examples/seed/main-usa.ts". Run `dara --help` for usage.',
  },
  {
    name: '--port that is not a number',
    args: ['start', 'examples/seed/main.ts', '--port', 'abc'],
    line: 'error DARA_ERR_CLI_USAGE: --port must be a whole number from 0 to 65535, got "abc". Run `dara --help` for usage.',
  },
  {
    name: '--port above 65535',
    args: ['start', 'examples/seed/main.ts', '--port', '70000'],
    line: 'error DARA_ERR_CLI_USAGE: --port must be a whole number from 0 to 65535, got "70000". Run `dara --help` for usage.',
  },
  {
    name: '--port with a fraction',
    args: ['start', 'examples/seed/main.ts', '--port', '1.5'],
    line: 'error DARA_ERR_CLI_USAGE: --port must be a whole number from 0 to 65535, got "1.5". Run `dara --help` for usage.',
  },
  {
    // parseArgs reads "-1" as an option: the error must still be one line that names --port.
    name: '--port -1',
    args: ['start', 'examples/seed/main.ts', '--port', '-1'],
    line: /^error( DARA_ERR_CLI_USAGE:|:) .*--port/,
  },
  {
    name: '--port with no value',
    args: ['start', 'examples/seed/main.ts', '--port'],
    line: /^error( DARA_ERR_CLI_USAGE:|:) .*--port/,
  },
  {
    // An empty value is not port 0: it must be refused, not listened on.
    name: '--port= (empty)',
    args: ['start', 'examples/seed/main.ts', '--port='],
    line: 'error DARA_ERR_CLI_USAGE: --port must be a whole number from 0 to 65535, got "". Run `dara --help` for usage.',
  },
  {
    name: 'an unknown option',
    args: ['start', 'examples/seed/main.ts', '--prot', '8000'],
    line: /^error( DARA_ERR_CLI_USAGE:|:) .*--prot/,
  },
  {
    name: 'a DARA_JWT_SECRET shorter than 32 bytes',
    args: ['start', 'examples/seed/main.ts', '--port', '0'],
    env: { DARA_JWT_SECRET: 'too-short' },
    line: "error DARA_ERR_AUTH_SECRET_WEAK: DARA_JWT_SECRET is 9 bytes long; it needs at least 32. Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"",
  },
]

void describe(
  'start errors: exit code 1 and one line on stderr that names the fix',
  { concurrency: 4 },
  () => {
    for (const { name, args, env, line } of ERROR_CASES) {
      void test(name, { timeout: 90_000 }, async () => {
        const result = await runDara(args, childEnv(env))
        const printed = startError(result)
        if (typeof line === 'string') assert.equal(printed, line)
        else assert.match(printed, line)
      })
    }
  },
)

void test('--help prints the usage and exits 0', { timeout: 90_000 }, async () => {
  const result = await runDara(['--help'])
  assert.equal(result.code, 0)
  assert.equal(result.stderr, '')
  assert.match(result.stdout, /^Usage: dara <command> \[options\]$/m)
  assert.match(result.stdout, /--port <n>/)
})
