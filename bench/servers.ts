// Starts each server in a child process of its own (node with tsx's loader),
// so that the load generator never shares the server's process or event loop.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ReadyMessage } from './servers/listen.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 5_000

export interface RunningServer {
  readonly file: string
  readonly pid: number
  readonly port: number
  stop(): Promise<void>
}

function isReady(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && 'ready' in message && 'port' in message
}

export async function startServer(
  file: string,
  env: Record<string, string>,
  extraNodeArgs: readonly string[] = [],
): Promise<RunningServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL(`servers/${file}`, import.meta.url)), {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', ...extraNodeArgs],
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`bench/servers/${file} did not listen within ${START_TIMEOUT_MS} ms`))
    }, START_TIMEOUT_MS)
    child.on('message', (message) => {
      if (!isReady(message)) return
      clearTimeout(timer)
      resolve(message.port)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`bench/servers/${file} exited before listening (${signal ?? code})`))
    })
  })
  if (child.pid === undefined) throw new Error(`bench/servers/${file} has no pid`)
  return {
    file,
    pid: child.pid,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
    },
  }
}
