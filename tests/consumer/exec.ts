// Running commands in the consumer test's temporary projects as a new user's
// shell would: without this repository's npm environment.
import { spawn } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * The environment without what `npm run` adds (npm_* variables) and without
 * NODE_OPTIONS, which in this repository carries --conditions=dara-ts-source
 * and would point dara-ts at a src/ the package does not ship.
 */
export function userEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || /^npm_/i.test(key)) continue
    env[key] = value
  }
  return { ...env, ...extra }
}

/** npm's own script, to run npm under another Node binary than the one on PATH. */
export function npmCli(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      return realpathSync(join(dir, 'npm'))
    } catch {
      // not in this directory
    }
  }
  throw new Error('npm is not on PATH')
}

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface ExecOptions {
  readonly cwd: string
  readonly env?: Readonly<Record<string, string>>
  readonly timeoutMs?: number
  /** Resolve whatever the exit code (the caller checks it). */
  readonly allowFailure?: boolean
}

/** Runs a command to its end; rejects with the command and its output if it fails. */
export function exec(
  command: string,
  args: readonly string[],
  options: ExecOptions,
): Promise<Result> {
  const timeoutMs = options.timeoutMs ?? 180_000
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: userEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const result = { code, stdout, stderr }
      if (code === 0 || options.allowFailure === true) {
        resolve(result)
        return
      }
      const how = signal === 'SIGKILL' ? `was killed after ${timeoutMs} ms` : `exited ${code}`
      reject(new Error(`${describe(command, args)} ${how}\n${tail(stdout)}${tail(stderr)}`))
    })
  })
}

export function describe(command: string, args: readonly string[]): string {
  return [command, ...args].map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(' ')
}

/** The last lines of some output, for an error message. */
export function tail(text: string, lines = 30): string {
  const kept = text.trimEnd().split('\n').slice(-lines).join('\n')
  return kept === '' ? '' : `${kept}\n`
}
