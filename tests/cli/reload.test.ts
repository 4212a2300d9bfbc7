// `dara start --reload` on a real server: a copy of a fixture app in a temporary
// folder is edited while it runs; the route table follows, a token from before
// the edit still works, and a broken save keeps the watcher alive until the fix.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { bearer, tokenOf } from '../helpers/auth.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = fileURLToPath(new URL('../fixtures/reload-app/main.ts', import.meta.url))
/** Generous: the first start loads Node, the TypeScript loader and the framework on a busy machine. */
const WAIT_MS = 60_000

/** The fixture app in a folder of its own, with dara-ts resolvable as an installed package. */
function appFolder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'dara-reload-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(ROOT, join(dir, 'node_modules', 'dara-ts'), 'dir')
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  copyFileSync(FIXTURE, join(dir, 'main.ts'))
  return dir
}

/** Starts the reloader; `waitFor` resolves once stdout or stderr, read so far, matches. */
function startReloading(t: TestContext, dir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DARA_LOG_LEVEL: 'warn' }
  delete env['DARA_JWT_SECRET']
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/dara.js'), 'start', 'main.ts', '--reload', '--port', '0'],
    // In the app's folder, as a developer runs it: the development secret and
    // sessions are kept there, under .dara/.
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const output = { text: '' }
  const waiters: (() => void)[] = []
  const take = (chunk: string): void => {
    output.text += chunk
    for (const check of [...waiters]) check()
  }
  child.stdout.setEncoding('utf8').on('data', take)
  child.stderr.setEncoding('utf8').on('data', take)
  const exited = new Promise<void>((done) => child.once('close', () => done()))
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  })
  /** Waits for `pattern` in what was printed after `from`; returns the match and where it ends. */
  const waitFor = (
    pattern: RegExp,
    from: number,
  ): Promise<{ match: RegExpExecArray; end: number }> =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => {
        fail(new Error(`no ${String(pattern)} within ${WAIT_MS} ms; output:\n${output.text}`))
      }, WAIT_MS)
      const check = (): void => {
        const match = pattern.exec(output.text.slice(from))
        if (match === null) return
        clearTimeout(timer)
        waiters.splice(waiters.indexOf(check), 1)
        done({ match, end: from + match.index + match[0].length })
      }
      waiters.push(check)
      check()
    })
  return { child, output, waitFor, exited }
}

void test('dara start --reload: a saved edit changes the routes, the session survives, a broken save recovers', async (t) => {
  const dir = appFolder(t)
  const main = join(dir, 'main.ts')
  const { child, waitFor, exited } = startReloading(t, dir)

  const listening = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 0)
  const url = listening.match[1] ?? ''
  let seen = (
    await waitFor(/\[dara\] ready in \d+ ms; watching .* for changes; restarts keep sessions\n/, 0)
  ).end

  const login = await fetch(`${url}/api/auth/session`, { method: 'POST' })
  assert.equal(login.status, 200)
  const token = tokenOf(await login.json())
  // A browser's session: the opaque handle in the cookie, looked up in the session store.
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  assert.match(cookie, /^dara_session_token=[\w-]+$/)
  const first = await fetch(`${url}/api/first`, { headers: bearer(token) })
  assert.deepEqual([first.status, await first.json()], [200, { route: 'first', user: 'user' }])

  // Rename the route and add a public one: the reloader prints the difference.
  writeFileSync(
    main,
    readFileSync(main, 'utf8').replace(
      "get('/first', () => ({ route: 'first'",
      "get('/second', () => ({ route: 'second'",
    ) + "config.addEndpoint(get('/open', { authenticated: false }, () => 'open'))\n",
  )
  const changed = await waitFor(/\[dara\] routes changed:\n((?: {2}[-+~] .*\n)+)/, seen)
  seen = changed.end
  assert.deepEqual(changed.match[1]?.trimEnd().split('\n').sort(), [
    '  + GET    /api/open  PUBLIC',
    '  + GET    /api/second  authenticated',
    '  - GET    /api/first  authenticated',
  ])
  const second = await fetch(`${url}/api/second`, { headers: bearer(token) })
  assert.deepEqual([second.status, await second.json()], [200, { route: 'second', user: 'user' }])
  const byCookie = await fetch(`${url}/api/second`, { headers: { cookie } })
  assert.deepEqual(
    [byCookie.status, await byCookie.json()],
    [200, { route: 'second', user: 'user' }],
  )
  const gone = await fetch(`${url}/api/first`, { headers: bearer(token) })
  assert.equal(gone.status, 404)

  // A syntax error: the error is shown, the app is down, the watcher stays.
  const good = readFileSync(main, 'utf8')
  writeFileSync(main, `${good}config.addEndpoint(get('/broken', () => {)\n`)
  seen = (
    await waitFor(
      /error: [^\n]*\n[\s\S]*\[dara\] the app stopped \(exit code 1\); still watching/,
      seen,
    )
  ).end
  assert.equal(child.exitCode, null, 'the reloader still runs')

  // The next good save brings the app back, and the token of before still works.
  writeFileSync(main, good.replace("route: 'second'", "route: 'third'"))
  await waitFor(
    /\[dara\] restarted in \d+ ms after a change to main\.ts\n\[dara\] routes unchanged\n/,
    seen,
  )
  const third = await fetch(`${url}/api/second`, { headers: bearer(token) })
  assert.deepEqual([third.status, await third.json()], [200, { route: 'third', user: 'user' }])

  child.kill('SIGTERM')
  await exited
  await assert.rejects(fetch(`${url}/api/second`), 'the server stopped with the reloader')
})
