import { DaraError } from '../errors.ts'
import { AuthConfig, type AuthConfigOptions } from './auth-config.ts'
import type { UserData } from './identity.ts'

/** How {@link OIDCAuthConfig} is built. */
export interface OIDCAuthOptions extends AuthConfigOptions {
  /** The provider's issuer URL, as its discovery document names it (`https://login.example.com`). */
  readonly issuer: string
  /** The client id the provider registered for this app; ID tokens must name it as audience. */
  readonly clientId: string
  /** The client's secret at the provider (sent with HTTP Basic to its token endpoint). */
  readonly clientSecret: string
  /** Scopes asked for at login (default `openid profile email`; `openid` is added when missing). */
  readonly scopes?: readonly string[]
  /** The ID token claim that lists the user's groups, for `options.groups` (default `groups`). */
  readonly groupsClaim?: string
  /** The claim shown as `identityName` (default `preferred_username`, then `name`, then `sub`). */
  readonly usernameClaim?: string
  /**
   * Where the provider sends the browser back, a path of this app (default
   * `/api/auth/oidc/callback`). Register `<app origin><redirectPath>` as a
   * redirect URI of the client at the provider.
   */
  readonly redirectPath?: string
  /**
   * Where the provider sends the browser after logout (default `/`); register
   * `<app origin><postLogoutRedirectPath>` as a post-logout redirect URI.
   */
  readonly postLogoutRedirectPath?: string
  /**
   * Accept the provider's ID tokens as `Authorization: Bearer <id token>` for
   * scripts (default false): checked against the provider's keys, with this
   * client as audience, its issuer and its expiry.
   */
  readonly acceptIdTokens?: boolean
}

const VERIFIED = Symbol('dara-ts oidc verified login')

/** A login whose ID token was checked: what the callback passes to the session's login. */
export interface VerifiedLogin {
  readonly [VERIFIED]: UserData
}

/** Wraps a user from a checked ID token, the one login body an {@link OIDCAuthConfig} accepts. */
export function verifiedLogin(user: UserData): VerifiedLogin {
  return { [VERIFIED]: user }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Single sign-on with OpenID Connect, Dara's `OIDCAuthConfig`: users log in at
 * the identity provider (authorization code flow with PKCE, state and nonce),
 * come back logged in with a dara-ts session and cookie, and their groups come
 * from an ID token claim. `openid-client` is loaded only by apps that use it.
 * The provider is discovered at start; if it is down then, the app starts
 * anyway and logins answer 503 until it is back.
 *
 * @example
 * ```ts
 * import { OIDCAuthConfig } from 'dara-ts/auth'
 *
 * config.addAuth(
 *   new OIDCAuthConfig({
 *     issuer: 'https://login.example.com',
 *     clientId: 'dara-app',
 *     clientSecret: process.env['OIDC_CLIENT_SECRET'] ?? '',
 *     groupsClaim: 'groups',
 *   }),
 * )
 * ```
 */
export class OIDCAuthConfig extends AuthConfig {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  readonly scopes: readonly string[]
  readonly groupsClaim: string
  readonly usernameClaim: string | undefined
  readonly redirectPath: string
  readonly postLogoutRedirectPath: string
  readonly acceptIdTokens: boolean

  constructor(options: OIDCAuthOptions) {
    // A dara-ts session of an SSO login is renewed through the provider every hour by default.
    super({ sessionTtlSeconds: 3600, ...options })
    const owner = 'OIDCAuthConfig'
    const fail = (what: string): never => {
      throw new DaraError('DARA_ERR_AUTH_CONFIG_INVALID', owner, what)
    }
    const given: Partial<OIDCAuthOptions> = options ?? {}
    let url: URL | undefined
    try {
      url = new URL(String(given.issuer))
    } catch {
      fail(`issuer must be a URL, got ${JSON.stringify(given.issuer)}`)
    }
    if (url?.protocol !== 'https:' && !(url?.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      fail('issuer must be an https URL (plain http only on a loopback address, for tests)')
    }
    for (const key of ['clientId', 'clientSecret'] as const) {
      if (typeof given[key] !== 'string' || given[key] === '') fail(`${key} is empty`)
    }
    const scopes: unknown = given.scopes ?? ['openid', 'profile', 'email']
    const names =
      Array.isArray(scopes) && scopes.every((s) => typeof s === 'string' && /^\S+$/.test(s))
        ? scopes.map(String)
        : fail('scopes must be a list of scope names without spaces')
    for (const key of ['redirectPath', 'postLogoutRedirectPath'] as const) {
      const path = given[key]
      if (path !== undefined && (typeof path !== 'string' || !isLocalPath(path))) {
        fail(`${key} must be a path starting with one "/", got ${JSON.stringify(path)}`)
      }
    }
    this.issuer = String(given.issuer)
    this.clientId = String(given.clientId)
    this.clientSecret = String(given.clientSecret)
    this.scopes = Object.freeze(names.includes('openid') ? names : ['openid', ...names])
    this.groupsClaim = given.groupsClaim ?? 'groups'
    this.usernameClaim = given.usernameClaim
    this.redirectPath = given.redirectPath ?? '/api/auth/oidc/callback'
    this.postLogoutRedirectPath = given.postLogoutRedirectPath ?? '/'
    this.acceptIdTokens = given.acceptIdTokens === true
  }

  /** Only the callback logs users in: a login body from a client is refused (400). */
  authenticate(body: unknown): UserData {
    if (typeof body === 'object' && body !== null && VERIFIED in body) {
      const user: unknown = body[VERIFIED]
      // Only verifiedLogin() makes an object with this module's symbol.
      return user as UserData
    }
    throw new DaraError('DARA_ERR_OIDC_LOGIN_REDIRECT')
  }

  /** Logins are counted per address only: the provider counts the user's own failures. */
  override loginName(): undefined {
    return undefined
  }

  /** The user of a checked ID token's claims. */
  userOf(claims: Readonly<Record<string, unknown>>): UserData {
    const sub = String(claims['sub'])
    const pick = (name: string | undefined): string | undefined => {
      const value = name === undefined ? undefined : claims[name]
      return typeof value === 'string' && value !== '' ? value : undefined
    }
    const name =
      (this.usernameClaim === undefined
        ? (pick('preferred_username') ?? pick('name'))
        : pick(this.usernameClaim)) ?? sub
    const raw = claims[this.groupsClaim]
    const groups = Array.isArray(raw)
      ? raw.filter((g): g is string => typeof g === 'string')
      : typeof raw === 'string' && raw !== ''
        ? [raw]
        : []
    const email = pick('email')
    return Object.freeze({
      identityId: sub,
      identityName: name,
      groups: Object.freeze(groups),
      ...(email === undefined ? {} : { identityEmail: email }),
    })
  }
}

/** A path of this app: one leading slash, no scheme, no host, no backslash. */
export function isLocalPath(path: string): boolean {
  return /^\/(?![/\\])/.test(path) && !/[\\\s]/.test(path) && path.length <= 2000
}
