import { DaraError } from '../errors.ts'
import { AuthConfig, type AuthConfigOptions } from './auth-config.ts'
import type { UserData } from './identity.ts'
import { hashPassword, isPasswordHash, parsePasswordHash, verifyPassword } from './password.ts'

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
}

const WHERE = 'POST /api/auth/session'

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
 * plain text or hashes from `dara hash-password`; either way the comparison
 * takes the same time whatever is wrong, and an unknown user takes as long as
 * a wrong password.
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
  /** Checked when the user is unknown, so that case costs what a wrong password costs. */
  #decoy: Promise<string>

  constructor(
    options: { readonly users: Readonly<Record<string, BasicUser>> } & AuthConfigOptions,
  ) {
    super(options)
    const owner = new.target.name
    const users: unknown = options?.users
    if (typeof users !== 'object' || users === null || Object.keys(users).length === 0) {
      throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', owner, 'it needs at least one user')
    }
    let hashed: string | undefined
    for (const [name, entry] of Object.entries(options.users)) {
      if (name === '')
        throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', owner, 'a user name is empty')
      const given = typeof entry === 'string' ? { password: entry } : entry
      const password = checkPassword(owner, name, given.password)
      if (isPasswordHash(password)) hashed ??= password
      const user: UserData = Object.freeze({
        identityId: name,
        identityName: given.name ?? name,
        groups: Object.freeze([...(given.groups ?? [])]),
        ...(given.email === undefined ? {} : { identityEmail: given.email }),
      })
      this.#accounts.set(name, { password, user })
    }
    // With hashes configured, an unknown user runs scrypt at the same cost.
    const cost = hashed ? parsePasswordHash(hashed) : undefined
    this.#decoy =
      cost && typeof cost !== 'string'
        ? hashPassword('decoy', { cost: cost.ln })
        : Promise.resolve('decoy-password')
  }

  async authenticate(body: unknown): Promise<UserData> {
    const { username, password } = credentials(body)
    const account = this.#accounts.get(username)
    const ok = await verifyPassword(password, account?.password ?? (await this.#decoy))
    if (!account || !ok) throw new DaraError('DARA_ERR_AUTH_LOGIN_FAILED')
    return account.user
  }
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
    options: { readonly username: string; readonly password: string } & AuthConfigOptions,
  ) {
    if (typeof options?.username !== 'string' || options.username === '') {
      throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', 'BasicAuthConfig', 'username is empty')
    }
    super({ ...options, users: { [options.username]: options.password } })
  }
}
