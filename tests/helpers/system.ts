// Suites that need a program of the system (redis-server, chromium, wrk) or a
// module of Debian's Python ask for it here. Without it a suite is skipped with
// the reason, and the run's summary lists it (tests/helpers/skip-report.ts); in
// CI (CI=true) a missing one fails instead, since CI installs every one.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'
import type { TestContext } from 'node:test'

const SETUP = 'bash scripts/setup-system.sh'

/**
 * Debian's Python, whatever else is first on PATH: the Python modules the
 * tests use are Debian packages. DARA_TEST_PYTHON points elsewhere, such as a
 * path with no Python, to see the suites skip as on a machine without them.
 */
export const PYTHON = process.env['DARA_TEST_PYTHON'] ?? '/usr/bin/python3'

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The absolute path of `command` (a name looked up on PATH, or a path), or undefined when it is not installed. */
export function which(command: string): string | undefined {
  if (isAbsolute(command)) return executable(command) ? command : undefined
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)
  return dirs.map((dir) => join(dir, command)).find(executable)
}

/** The reason, or a throw in CI, where a skip would hide a missing install step. */
function skipping(reason: string): string {
  const full = `${reason}: run \`${SETUP}\` to run this suite`
  if (process.env['CI'] === 'true') throw new Error(`CI must not skip: ${full}`)
  return full
}

/**
 * The reason to skip a suite that needs `command`, or false when it is
 * there. Throws in CI.
 * Use it as `describe('...', { skip: needs('redis-server') }, ...)`.
 */
export function needs(command: string): string | false {
  return which(command) === undefined ? skipping(`${command} is not installed`) : false
}

/**
 * The same for a module of Debian's Python, such as `requests` from the
 * Debian package python3-requests: false when {@link PYTHON} imports it.
 */
export function needsPython(module: string, debianPackage: string): string | false {
  const probe = spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 10_000 })
  return probe.status === 0
    ? false
    : skipping(`${PYTHON} cannot import ${module} (Debian's ${debianPackage})`)
}

/** The same, inside a test: skips it (or fails in CI) and returns false when `command` is missing. */
export function have(t: TestContext, command: string): boolean {
  const reason = needs(command)
  if (reason === false) return true
  t.skip(reason)
  return false
}
