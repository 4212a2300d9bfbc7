import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DaraError } from '../errors.ts'
import { generateSecret } from './tokens.ts'

/** Where the signing secret came from, for the start log. */
export type SecretSource = 'option' | 'environment' | 'file' | 'generated'

export interface SecretOptions {
  /** Given in code: wins over everything. */
  readonly secret?: string | undefined
  /** Where development keeps its generated secret (default `.dara/secret` under the working directory). */
  readonly file?: string | undefined
  readonly env: NodeJS.ProcessEnv
}

/**
 * The signing secret: given, else `DARA_JWT_SECRET`. In production
 * (`NODE_ENV=production`) there is no fallback: every process must sign with
 * the same secret, so a missing one stops the start. In development a secret is
 * generated once and kept in a file (mode 0600), so a restart logs nobody out.
 */
export function resolveSecret(options: SecretOptions): { secret: string; source: SecretSource } {
  if (options.secret !== undefined) return { secret: options.secret, source: 'option' }
  const fromEnv = options.env['DARA_JWT_SECRET']
  if (fromEnv !== undefined && fromEnv !== '') return { secret: fromEnv, source: 'environment' }
  if (options.env['NODE_ENV'] === 'production') throw new DaraError('DARA_ERR_AUTH_SECRET_MISSING')
  const file = options.file ?? join(process.cwd(), '.dara', 'secret')
  const existing = read(file)
  if (existing !== undefined) return { secret: existing, source: 'file' }
  const secret = generateSecret()
  const directory = dirname(file)
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  // The folder holds secrets: keep it out of version control wherever it is.
  const ignore = join(directory, '.gitignore')
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n')
  try {
    // 'wx': when two processes start at once, the second reads the first one's secret.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    const raced = read(file)
    if (raced !== undefined) return { secret: raced, source: 'file' }
    throw error
  }
  return { secret, source: 'generated' }
}

function read(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim()
    return text === '' ? undefined : text
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined
    throw error
  }
}
