import { createHash, randomBytes } from 'node:crypto'
import { DaraError } from '../errors.ts'
import { AuthConfig, type AuthConfigOptions } from './auth-config.ts'
import type { UserData } from './identity.ts'
import { DEFAULT_CHECKS, PasswordGate, type PasswordChecks } from './password-gate.ts'
import { equalText, isPasswordHash, parsePasswordHash, verifyPassword } from './password.ts'

/** One user of a {@link MultiBasicAuthConfig}: a password, or a password and more. */
export type BasicUser =
  | string
  | {
      /** Plain text, or a hash from `dara hash-password`. */
      readonly password: string
      /** Shown as `identityName` (default: the user name). */
      readonly name?: string
      readonly email?: string
      /** For routes with `options.groups`. */
      readonly groups?: readonly string[]
    }

interface Account {
  readonly password: string
  readonly user: UserData
  /** What `userVersion` answers: a digest of the whole entry, password included. */
  readonly version: string
}

/** Options of {@link MultiBasicAuthConfig} besides its users. */
export interface BasicAuthOptions extends AuthConfigOptions {
  /** How many password checks run at once and wait; see {@link PasswordChecks}. */
  readonly passwordChecks?: Partial<PasswordChecks>
}

const WHERE = 'POST /api/auth/session'

/** Compared against when the user is unknown and no password is hashed: as long as any comparison. */
const decoyText = randomBytes(16).toString('base64url')

/** `{ username, password }` from a login body, or the reason it is not one. */
function credentials(body: unknown): { username: string; password: string } {
  if (body === undefined || body === null || body === '') {
    throw new DaraError('DARA_ERR_AUTH_LOGIN_MISSING')
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new DaraError('DARA_ERR_AUTH_BODY', WHERE, 'send a JSON object, not a JSON ' + kind(body))
  }
  const extra = Object.keys(body).find((key) => key !== 'username' && key !== 'password')
  if (extra !== undefined) {
    throw new DaraError('DARA_ERR_AUTH_BODY', WHERE, `unknown field "${extra.slice(0, 40)}"`)
  }
  const fields: Record<string, unknown> = { ...body }
  for (const key of ['username', 'password']) {
    const value = fields[key]
    if (value !== undefined && typeof value !== 'string') {
      throw new DaraError('DARA_ERR_AUTH_BODY', WHERE, `"${key}" must be a string`)
    }
  }
  const { username, password } = fields
  if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
    throw new DaraError('DARA_ERR_AUTH_LOGIN_MISSING')
  }
  return { username, password }
}

function kind(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value
}

function checkPassword(owner: string, name: string, password: unknown): string {
  if (typeof password !== 'string' || password === '') {
    throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', owner, `the password of "${name}" is empty`)
  }
  if (isPasswordHash(password)) {
    const parsed = parsePasswordHash(password)
    if (typeof parsed === 'string') {
      throw new DaraError(
        'DARA_ERR_AUTH_CONFIG_INVALID',
        owner,
        `the password hash of "${name}" is not valid: ${parsed}; make one with \`dara hash-password\``,
      )
    }
  }
  return password
}

/**
 * Users and passwords held in the app's own configuration. Passwords may be
 * plain text or hashes from `dara hash-password`. Every login costs the same
 * whatever is wrong: when any password is hashed, a plain-password user and
 * an unknown user each run one scrypt as dear as the dearest configured hash,
 * and comparisons take constant time. Password checks run a few at a time
 * (`passwordChecks`), so a burst of logins cannot hold the right one back for
 * long: past the queue, a login is answered 503 at once.
 *
 * @example
 * ```ts
 * import { MultiBasicAuthConfig } from 'dara-ts/auth'
 *
 * config.addAuth(
 *   new MultiBasicAuthConfig({
 *     users: { ada: 'first-programmer', grace: { password: 'cobol', groups: ['admins'] } },
 *   }),
 * )
 * ```
 */
export class MultiBasicAuthConfig extends AuthConfig {
  readonly #accounts = new Map<string, Account>()
  /**
   * A hash with the parameters of the dearest configured one and a random
   * digest nothing matches: checking a password against it costs what a hashed
   * user costs. Undefined when no password is hashed.
   */
  readonly #decoy: string | undefined
  readonly #gate: PasswordGate

  constructor(options: { readonly users: Readonly<Record<string, BasicUser>> } & BasicAuthOptions) {
    super(options)
    const owner = new.target.name
    const users: unknown = options?.users
    if (typeof users !== 'object' || users === null || Object.keys(users).length === 0) {
      throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', owner, 'it needs at least one user')
    }
    this.#gate = new PasswordGate(checkLimits(owner, options.passwordChecks))
    let dearest: { cost: number; ln: number; r: number; p: number } | undefined
    for (const [name, entry] of Object.entries(options.users)) {
      if (name === '')
        throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', owner, 'a user name is empty')
      const given = typeof entry === 'string' ? { password: entry } : entry
      const password = checkPassword(owner, name, given.password)
      const parsed = isPasswordHash(password) ? parsePasswordHash(password) : undefined
      if (parsed && typeof parsed !== 'string') {
        const cost = 2 ** parsed.ln * parsed.r * parsed.p
        if (!dearest || cost > dearest.cost) dearest = { cost, ...parsed }
      }
      const user: UserData = Object.freeze({
        identityId: name,
        identityName: given.name ?? name,
        groups: Object.freeze([...(given.groups ?? [])]),
        ...(given.email === undefined ? {} : { identityEmail: given.email }),
      })
      const version = createHash('sha256')
        .update(JSON.stringify([password, user.identityName, user.identityEmail, user.groups]))
        .digest('base64url')
      this.#accounts.set(name, { password, user, version })
    }
    this.#decoy = dearest
      ? `$scrypt$ln=${dearest.ln},r=${dearest.r},p=${dearest.p}$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`
      : undefined
  }

  async authenticate(body: unknown): Promise<UserData> {
    const { username, password } = credentials(body)
    const account = this.#accounts.get(username)
    const stored = account?.password
    let ok: boolean
    if (stored !== undefined && isPasswordHash(stored)) {
      ok = await this.#gate.run(() => verifyPassword(password, stored))
    } else {
      // Unknown users and plain passwords pay one scrypt too, through the same gate.
      const decoy = this.#decoy
      if (decoy !== undefined) await this.#gate.run(() => verifyPassword(password, decoy))
      ok = equalText(password, stored ?? decoyText)
    }
    if (!account || !ok) throw new DaraError('DARA_ERR_AUTH_LOGIN_FAILED')
    return account.user
  }

  override userVersion(identityId: string): string | null {
    return this.#accounts.get(identityId)?.version ?? null
  }
}

function checkLimits(owner: string, given: Partial<PasswordChecks> | undefined): PasswordChecks {
  const limits = { ...DEFAULT_CHECKS, ...given }
  for (const [key, min] of [
    ['concurrent', 1],
    ['queued', 0],
  ] as const) {
    const value = limits[key]
    if (!Number.isInteger(value) || value < min || value > 1000) {
      throw new DaraError(
        'DARA_ERR_AUTH_CONFIG_INVALID',
        owner,
        `passwordChecks.${key} must be a whole number from ${min} to 1000, got ${String(value)}`,
      )
    }
  }
  return limits
}

/**
 * One user and password, Dara's `BasicAuthConfig`. The password may be a hash
 * from `dara hash-password`.
 *
 * @example
 * ```ts
 * import { BasicAuthConfig } from 'dara-ts/auth'
 *
 * config.addAuth(new BasicAuthConfig({ username: 'admin', password: process.env['ADMIN_PASSWORD'] ?? '' }))
 * ```
 */
export class BasicAuthConfig extends MultiBasicAuthConfig {
  constructor(
    options: { readonly username: string; readonly password: string } & BasicAuthOptions,
  ) {
    if (typeof options?.username !== 'string' || options.username === '') {
      throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', 'BasicAuthConfig', 'username is empty')
    }
    super({ ...options, users: { [options.username]: options.password } })
  }
}
