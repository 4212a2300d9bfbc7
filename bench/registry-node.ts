// Node binaries of other lines, from the npm registry's node-linux-<arch>
// packages, installed into a temporary prefix (never into this project).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'

export interface RegistryNodes {
  /** One binary per line asked for, in that order. */
  readonly paths: readonly string[]
  remove(): void
}

export function installRegistryNodes(
  lines: readonly number[],
  env: NodeJS.ProcessEnv,
): RegistryNodes {
  const arch = os.arch() === 'arm64' ? 'arm64' : 'x64'
  const prefix = mkdtempSync(join(os.tmpdir(), 'dara-bench-node-'))
  const paths = lines.map((line) => {
    const dir = join(prefix, `node${line}`)
    console.log(`bench: installing node-linux-${arch}@${line} into ${dir}`)
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-audit',
        '--no-fund',
        '--silent',
        `node-linux-${arch}@${line}`,
      ],
      { env, stdio: 'inherit' },
    )
    return join(dir, 'node_modules', `node-linux-${arch}`, 'bin', 'node')
  })
  return { paths, remove: () => rmSync(prefix, { recursive: true, force: true }) }
}

/** The environment of a user's shell: no npm variables, and not this repository's
 * --conditions=dara-ts-source (which would run src/ through tsx). */
export function userEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...extra }
  for (const [key, value] of Object.entries(process.env)) {
    if (key !== 'NODE_OPTIONS' && !/^npm_/i.test(key) && !(key in env)) env[key] = value
  }
  return env
}
