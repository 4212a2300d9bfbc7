// `dara start` in a consumer project, run by a given Node binary, until it
// answers: the installed bin, as `npx dara start` runs it.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { tail, userEnv } from './exec.ts'

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)$/m
const START_TIMEOUT_MS = 60_000

export interface RunningDara {
  readonly url: string
  /** Stops it with SIGTERM; rejects unless it exits 0. */
  stop(): Promise<void>
}

/** Starts `dara start <entry> --port 0` in `cwd` and waits for its "listening on" line. */
export async function startDara(
  node: string,
  cwd: string,
  entry: string,
  env: Readonly<Record<string, string>> = {},
): Promise<RunningDara> {
  const bin = join(cwd, 'node_modules', '.bin', 'dara')
  const child = spawn(node, [bin, 'start', entry, '--port', '0'], {
    cwd,
    env: userEnv({ DARA_LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code))
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    const match = LISTENING.exec(stdout)
    if (match?.[1]) {
      const url = match[1]
      return {
        url,
        async stop() {
          child.kill('SIGTERM')
          const code = await exited
          if (code !== 0) throw new Error(`dara start ${entry} exited ${code}\n${tail(stderr)}`)
        },
      }
    }
    if (exitCode !== undefined) {
      throw new Error(`dara start ${entry} exited ${exitCode} before listening\n${tail(stderr)}`)
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(
        `dara start ${entry} did not listen within ${START_TIMEOUT_MS} ms\n${tail(stderr)}`,
      )
    }
    await sleep(25)
  }
}

/** GET `url` and its answer as text, rejecting unless it is `status`. */
export async function expectAnswer(url: string, status: number, body: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  const text = await response.text()
  if (response.status !== status || text !== body) {
    throw new Error(`GET ${url} answered ${response.status} ${text}; expected ${status} ${body}`)
  }
}
