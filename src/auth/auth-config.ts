import type { UserData } from './identity.ts'

/**
 * How failed logins are slowed down (OWASP's advice: count per user and
 * address first, delay rather than lock out). Every login attempt is counted
 * against three counters before its password is checked: the user name from
 * this address, the user name from anywhere, and this address whatever the
 * name. Once a counter is past its bound, each further attempt waits: first
 * `delaySeconds`, then twice as long after each attempt, at most
 * `maxDelaySeconds`; meanwhile the answer is 429 with `Retry-After`. A counter
 * is forgotten `windowSeconds` after its last attempt; a successful login
 * forgets the user-and-address one and does not count against the others.
 */
export interface LoginLimit {
  /** Failures for one user name from one address before delays begin (default 5). */
  readonly perUserAddress: number
  /** Failures for one user name from every address together (default 50): an attack from many addresses. */
  readonly perUser: number
  /** Failures from one address, whatever the names (default 20): one client trying many names. */
  readonly perAddress: number
  /** The first delay, in seconds (default 30); it doubles with each further attempt. */
  readonly delaySeconds: number
  /** The longest delay, in seconds (default 900). */
  readonly maxDelaySeconds: number
  /** Seconds after its last attempt that a counter is forgotten (default 900). */
  readonly windowSeconds: number
}

/** Lifetimes and limits every auth config takes. */
export interface AuthConfigOptions {
  /** How long an access token lives, in seconds (default 900: 15 minutes). */
  readonly tokenTtlSeconds?: number
  /** How long a session lives: its refresh token and its cookie (default 7 days). */
  readonly sessionTtlSeconds?: number
  /** How failed logins are slowed down; see {@link LoginLimit}. */
  readonly loginLimit?: Partial<LoginLimit>
}

const DEFAULT_LIMIT: LoginLimit = {
  perUserAddress: 5,
  perUser: 50,
  perAddress: 20,
  delaySeconds: 30,
  maxDelaySeconds: 900,
  windowSeconds: 900,
}

/**
 * How users prove who they are: the base class of every auth config. It turns
 * the body of `POST /api/auth/session` into a user, or throws an HttpError
 * (401) when the credentials are wrong; dara-ts does the rest (tokens, cookie,
 * refresh, revocation, brute-force limits). Subclass it to log users in
 * against your own directory; `groups` on the user feed `options.groups`.
 *
 * @example
 * ```ts
 * import { AuthConfig } from 'dara-ts/auth'
 * import { HttpError } from 'dara-ts/http'
 *
 * class TeamAuthConfig extends AuthConfig {
 *   authenticate(body: unknown) {
 *     const name = (body as { username?: unknown } | undefined)?.username
 *     if (name !== 'ada') throw new HttpError(401, 'Unknown user')
 *     return { identityId: 'ada', identityName: 'Ada', groups: ['admins'] }
 *   }
 * }
 * ```
 */
export abstract class AuthConfig {
  /** How long an access token lives, in seconds. */
  readonly tokenTtlSeconds: number
  /** How long a session (its refresh token and cookie) lives, in seconds. */
  readonly sessionTtlSeconds: number
  /** How failed logins are slowed down (429 with Retry-After). */
  readonly loginLimit: LoginLimit

  constructor(options: AuthConfigOptions = {}) {
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 900
    this.sessionTtlSeconds = options.sessionTtlSeconds ?? 7 * 86_400
    this.loginLimit = { ...DEFAULT_LIMIT, ...options.loginLimit }
  }

  /** Credentials in, user out; may be async. Throw an HttpError(401) to refuse. */
  abstract authenticate(body: unknown): UserData | Promise<UserData>

  /**
   * What the config says of a user now, as a string that changes when the user
   * is removed or their groups, name or password change: a session whose user's
   * string differs from the one it began with stops working (401
   * `DARA_ERR_AUTH_USER_CHANGED`). `null`: the user is no longer one of this
   * config's. `undefined` (the default): the config keeps no list of users, and
   * sessions are not checked. Called on every authenticated request, so answer
   * from memory; dara-ts keeps only a keyed digest of it.
   */
  userVersion(_identityId: string): string | null | undefined {
    return undefined
  }

  /**
   * The user name a login body claims, to count failed logins per user; by
   * default its `username` field. Return undefined to count per address only.
   */
  loginName(body: unknown): string | undefined {
    if (typeof body !== 'object' || body === null || !('username' in body)) return undefined
    return typeof body.username === 'string' ? body.username : undefined
  }
}

/**
 * Anonymous sessions, Dara's default: anyone who asks `POST /api/auth/session`
 * gets a token for the user `user`, in a session of its own. Endpoints still
 * need that token, so scripts and the UI go through the same checks as with a
 * real login.
 *
 * @example
 * ```ts
 * import { ConfigurationBuilder } from 'dara-ts'
 * import { DefaultAuthConfig } from 'dara-ts/auth'
 *
 * const config = new ConfigurationBuilder()
 * config.addAuth(new DefaultAuthConfig({ tokenTtlSeconds: 600 }))
 * ```
 */
export class DefaultAuthConfig extends AuthConfig {
  authenticate(): UserData {
    return { identityId: 'user', identityName: 'user', groups: [] }
  }
}
