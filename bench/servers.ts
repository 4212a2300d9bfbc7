// Starts each server in a child process of its own, so that the load generator
// never shares the server's process or event loop: Node servers through tsx's
// loader (they report their port over IPC), the FastAPI one with Debian's Python
// on a port chosen here (ready once it answers).
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { call } from './http.ts'
import { userEnv } from './registry-node.ts'
import type { ReadyMessage } from './servers/listen.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Generous: a start is a second on a quiet machine, but far more on two cores shared by a test run. */
export const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 5_000
/** Debian's Python, whatever else is first on PATH: its packages are the baseline's. */
export const PYTHON = '/usr/bin/python3'

/** How to start one server: a file under bench/, run by Node or by Python. */
export interface ServerSpec {
  readonly runtime: 'node' | 'python'
  /** Relative to bench/. */
  readonly file: string
  /** For a Python server: a GET path that answers 200 once it serves. */
  readonly readyPath?: string
  readonly env?: Readonly<Record<string, string>>
  /** Needs a redis-server: the runner starts one and sets DARA_REDIS_URL. */
  readonly redis?: boolean
}

export interface RunningServer {
  readonly file: string
  readonly pid: number
  readonly port: number
  stop(): Promise<void>
}

function isReady(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && 'ready' in message && 'port' in message
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return address.port
}

/**
 * Starts one server. A Node server runs on `node` (default: this process's
 * binary) against the compiled package in dist/, as a user's app does (unless
 * `source`, which the bench's own tests set): this
 * repository's `dara-ts-source` condition (which would run src/ through tsx) is
 * left out; tsx loads the server's own .ts file only, as `dara start` does.
 */
export async function startServer(
  spec: ServerSpec,
  env: Record<string, string>,
  extraNodeArgs: readonly string[] = [],
  node: string = process.execPath,
  source = false,
): Promise<RunningServer> {
  const path = fileURLToPath(new URL(spec.file, import.meta.url))
  // `source`: this repository's own src/ through tsx, as its tests run it.
  const childEnv = {
    ...(source ? process.env : userEnv({})),
    ...env,
    ...spec.env,
    NODE_ENV: 'production',
  }
  let child: ChildProcess
  let port: Promise<number>
  if (spec.runtime === 'node') {
    // stdout is dropped, as a log collector would take it: the dara-ts servers log there.
    child = fork(path, {
      cwd: ROOT,
      execPath: node,
      execArgv: ['--import', 'tsx', ...extraNodeArgs],
      env: childEnv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    })
    port = new Promise<number>((resolve) => {
      child.on('message', (message) => {
        if (isReady(message)) resolve(message.port)
      })
    })
  } else {
    const chosen = await freePort()
    child = spawn(PYTHON, [path, String(chosen)], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    port = waitUntilAnswers(chosen, spec.readyPath ?? '/', child).then(() => chosen)
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`bench/${spec.file} did not listen within ${START_TIMEOUT_MS} ms`))
    }, START_TIMEOUT_MS)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`bench/${spec.file} exited before listening (${signal ?? code})`))
    })
    port.then(
      (p) => {
        clearTimeout(timer)
        resolve(p)
      },
      (error: unknown) => {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
  if (child.pid === undefined) throw new Error(`bench/${spec.file} has no pid`)
  return {
    file: spec.file,
    pid: child.pid,
    port: listening,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
    },
  }
}

/** One server to start: what, with which environment added. */
export interface ServerStart {
  readonly spec: ServerSpec
  readonly env: Record<string, string>
  /** Run src/ (the tests' way) rather than the compiled package. */
  readonly source?: boolean
}

/**
 * Starts servers, `concurrency` at a time (each start is mostly CPU: a dozen
 * at once on two cores would each outlast their start timeout). If any fails,
 * the others are stopped before the first error is thrown: a forked child left
 * running holds its parent's IPC channel, and with it the whole run, open.
 */
export async function startServers(
  starts: readonly ServerStart[],
  concurrency = Math.max(2, availableParallelism()),
): Promise<RunningServer[]> {
  const servers = new Map<number, RunningServer>()
  const failures: unknown[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    // After a failure, the servers not yet started are not started at all.
    for (let i = next++; i < starts.length && failures.length === 0; i = next++) {
      const start = starts[i]
      if (start === undefined) continue
      try {
        servers.set(
          i,
          await startServer(start.spec, start.env, [], process.execPath, start.source ?? false),
        )
      } catch (error) {
        failures.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, starts.length) }, worker))
  if (failures.length > 0) {
    await Promise.all([...servers.values()].map((server) => server.stop()))
    throw failures[0]
  }
  return starts.map((_, i) => servers.get(i) ?? fail(`server ${i} did not start`))
}

function fail(message: string): never {
  throw new Error(message)
}

/** Polls GET path every 5 ms until it answers 200, or the child exits. */
export async function waitUntilAnswers(
  port: number,
  path: string,
  child: ChildProcess,
): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.signalCode ?? child.exitCode})`)
    }
    try {
      if ((await call(port, path)).status === 200) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
