import type { UserData } from './identity.ts'

/** Failed logins allowed in a window before `POST /api/auth/session` answers 429. */
export interface LoginLimit {
  /** Failures per user name (default 5). */
  readonly perUser: number
  /** Failures per client address, whatever the name (default 20). */
  readonly perAddress: number
  /** The window, in seconds, from the first failure (default 900). */
  readonly windowSeconds: number
}

/** Lifetimes and limits every auth config takes. */
export interface AuthConfigOptions {
  /** How long an access token lives, in seconds (default 900: 15 minutes). */
  readonly tokenTtlSeconds?: number
  /** How long a session lives: its refresh token and its cookie (default 7 days). */
  readonly sessionTtlSeconds?: number
  /** Brute-force limits on failed logins; see {@link LoginLimit}. */
  readonly loginLimit?: Partial<LoginLimit>
}

const DEFAULT_LIMIT: LoginLimit = { perUser: 5, perAddress: 20, windowSeconds: 900 }

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
  /** Failed logins allowed before 429. */
  readonly loginLimit: LoginLimit

  constructor(options: AuthConfigOptions = {}) {
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 900
    this.sessionTtlSeconds = options.sessionTtlSeconds ?? 7 * 86_400
    this.loginLimit = { ...DEFAULT_LIMIT, ...options.loginLimit }
  }

  /** Credentials in, user out; may be async. Throw an HttpError(401) to refuse. */
  abstract authenticate(body: unknown): UserData | Promise<UserData>

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
