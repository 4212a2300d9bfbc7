// Suites that need a program of the system (redis-server, chromium, wrk) ask for
// it here. Without it a suite is skipped with the reason printed; in CI
// (CI=true) a missing program fails instead, since CI installs every one.
import { execFileSync } from 'node:child_process'
import type { TestContext } from 'node:test'

const SETUP = 'bash scripts/setup-system.sh'

/** The absolute path of `command`, or undefined when it is not installed. */
export function which(command: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined
    )
  } catch {
    return undefined
  }
}

/**
 * The reason to skip a suite that needs `command`, or undefined when it is
 * there. Throws in CI, where a skip would hide a missing install step.
 * Use it as `describe('...', { skip: needs('redis-server') }, ...)`.
 */
export function needs(command: string): string | false {
  if (which(command) !== undefined) return false
  const reason = `${command} is not installed: run \`${SETUP}\` to run this suite`
  if (process.env['CI'] === 'true') throw new Error(`CI must not skip: ${reason}`)
  console.log(`# skipped: ${reason}`)
  return reason
}

/** The same, inside a test: skips it (or fails in CI) and returns false when `command` is missing. */
export function have(t: TestContext, command: string): boolean {
  const reason = needs(command)
  if (reason === false) return true
  t.skip(reason)
  return false
}
