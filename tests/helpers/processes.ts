// Programs run as a user runs them: `dara` through its bin, python, curl, tsx.
// Each is bounded in time and killed when its test ends.
import { spawn } from 'node:child_process'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a program to its end (at most `timeout` ms) in the repository's root. */
export function run(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeout = 30_000,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, DARA_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** `dara ...args` through the package's bin, as `npx dara` runs it. */
export function dara(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  return run(process.execPath, ['bin/dara.js', ...args], env)
}

/** Starts `dara start ENTRY --port 0` and resolves its url once it listens; stopped when the test ends. */
export function startDara(
  t: TestContext,
  entry: string,
  env: Readonly<Record<string, string>>,
): Promise<string> {
  const child = spawn(process.execPath, ['bin/dara.js', 'start', entry, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, DARA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dara start did not listen:\n${output}`)),
      30_000,
    )
    const read = (chunk: string): void => {
      output += chunk
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout.setEncoding('utf8').on('data', read)
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('close', () => {
      clearTimeout(timer)
      reject(new Error(`dara start exited:\n${output}`))
    })
  })
}
