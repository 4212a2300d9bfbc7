// Programs run to their end as a user runs them: `dara` through its bin,
// python, curl, node. Each is bounded in time.
import { spawn } from 'node:child_process'
import { ROOT } from './processes.ts'

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a program to its end (killed after `timeout` ms) in the repository's root. */
export function run(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeout = 30_000,
): Promise<Ran> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DARA_LOG_LEVEL: 'warn', ...env }
  // Set by node's test runner for the test file: a test run started below would
  // report to it instead of running its files.
  delete childEnv['NODE_TEST_CONTEXT']
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: childEnv,
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
