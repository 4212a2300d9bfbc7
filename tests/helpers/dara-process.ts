// `dara start` as a child process on a free port, for the suites that watch how
// it ends: signals, exit codes, what it printed on stdout and on stderr apart,
// and starts that must fail. processes.ts starts the long-lived ones (with Redis).
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { SECRET } from './auth.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+))$/m

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface DaraProcess {
  readonly url: string
  readonly child: ChildProcess
  readonly output: { readonly stdout: string; readonly stderr: string }
  readonly exited: Promise<Exit>
}

/** Spawns `dara start <entry> --port 0 ...args` with `env` added; killed when the test ends. */
export function spawnDara(
  t: TestContext,
  entry: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
) {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DARA_JWT_SECRET: SECRET,
    DARA_LOG_LEVEL: 'warn',
    ...env,
  }
  delete childEnv['PORT']
  const child = spawn(process.execPath, ['bin/dara.js', 'start', entry, '--port', '0', ...args], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk))
  const exited = new Promise<Exit>((done) => {
    child.on('close', (code, signal) => done({ code, signal }))
  })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return { child, output, exited }
}

/** Starts the app and waits for its "listening on" line (60 s at most: test files run side by side). */
export async function startDara(
  t: TestContext,
  entry: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): Promise<DaraProcess> {
  const { child, output, exited } = spawnDara(t, entry, env, args)
  let done: Exit | undefined
  void exited.then((exit) => (done = exit))
  const deadline = Date.now() + 60_000
  for (;;) {
    const match = LISTENING.exec(output.stdout)
    if (match?.[1]) return { url: match[1], child, output, exited }
    if (done) assert.fail(`dara start exited (${JSON.stringify(done)}):\n${output.stderr}`)
    if (Date.now() > deadline) assert.fail(`dara start did not listen:\n${output.stderr}`)
    await sleep(20)
  }
}

/** How the process exits, failing the test if it has not within `ms`. */
export async function exitWithin(app: { exited: Promise<Exit> }, ms: number): Promise<Exit> {
  const timeout = sleep(ms, undefined, { ref: false })
  const exit = await Promise.race([app.exited, timeout])
  assert.ok(exit, `no exit within ${ms} ms`)
  return exit
}
