import { join } from 'node:path'
import { DefaultAuthConfig, type AuthConfig } from '../auth/auth-config.ts'
import type { UserData } from '../auth/identity.ts'
import { MemorySessionStore } from '../auth/memory-session-store.ts'
import { RedisSessionStore } from '../auth/redis-session-store.ts'
import { resolveSecret, type SecretSource } from '../auth/secret.ts'
import type { SessionStore } from '../auth/session-store.ts'
import { createSessions, type Sessions } from '../auth/sessions.ts'
import { createTokenService, type Clock } from '../auth/tokens.ts'
import type { BuilderState } from '../config/state.ts'
import { DaraError } from '../errors.ts'

/** What createApp's options say about auth. */
export interface AuthOptions {
  readonly secret?: string | undefined
  readonly secretFile?: string | undefined
  readonly sessionStore?: SessionStore | undefined
  readonly sessionFile?: string | undefined
  readonly clock?: Clock | undefined
  readonly env?: NodeJS.ProcessEnv | undefined
}

/**
 * An app's sessions, for programs: mint a token for a user without a login
 * (scripts, tests), revoke a session, reach the store.
 */
export interface AppSessions {
  /** A Bearer token for `user`, valid `ttlSeconds` (default: the auth config's token lifetime). */
  mint(
    user: UserData,
    options?: {
      readonly ttlSeconds?: number
      readonly sessionId?: string
      /** Limits the token to the routes that list one of these in `scopes`. */
      readonly scopes?: readonly string[]
    },
  ): Promise<{ token: string; sessionId: string; expiresAt: Date }>
  /** Ends a session everywhere the store reaches: its tokens and cookie are refused at once. */
  revoke(sessionId: string): Promise<void>
  /**
   * Ends every live session of a user (logins and minted tokens alike), for
   * a user who left or whose credentials leaked; resolves to how many.
   */
  revokeUser(identityId: string): Promise<number>
  readonly store: SessionStore
}

export interface AuthSetup {
  readonly sessions: Sessions
  readonly app: AppSessions
  /** Stores this app made itself, and so closes. */
  readonly owned: SessionStore | undefined
  readonly secretSource: SecretSource
  readonly storeName: string
}

function checkLifetimes(auth: AuthConfig): void {
  const name = auth.constructor.name
  for (const key of ['tokenTtlSeconds', 'sessionTtlSeconds'] as const) {
    const value = auth[key]
    if (!Number.isInteger(value) || value <= 0) {
      throw new DaraError(
        'DARA_ERR_AUTH_CONFIG_INVALID',
        name,
        `${key} must be a positive whole number of seconds, got ${String(value)}`,
      )
    }
  }
  for (const [key, value] of Object.entries(auth.loginLimit)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new DaraError(
        'DARA_ERR_AUTH_CONFIG_INVALID',
        name,
        `loginLimit.${key} must be a positive whole number, got ${String(value)}`,
      )
    }
  }
  if (auth.sessionTtlSeconds < auth.tokenTtlSeconds) {
    throw new DaraError(
      'DARA_ERR_AUTH_CONFIG_INVALID',
      name,
      'sessionTtlSeconds must be at least tokenTtlSeconds',
    )
  }
}

/** The auth config an app runs with: its own, or the default one. */
export function authConfigOf(state: BuilderState): AuthConfig {
  return state.auth ?? new DefaultAuthConfig()
}

/** Resolves the auth config, the secret and the store of an app. */
export function setUpAuth(state: BuilderState, options: AuthOptions): AuthSetup {
  const env = options.env ?? process.env
  const auth = authConfigOf(state)
  checkLifetimes(auth)
  const clock = options.clock ?? Date.now
  const { secret, source } = resolveSecret({
    secret: options.secret,
    file: options.secretFile,
    env,
  })
  const tokens = createTokenService({ secret, clock })

  let store = options.sessionStore ?? state.sessionStore
  let owned: SessionStore | undefined
  let storeName = store ? store.constructor.name : ''
  if (!store) {
    const url = env['DARA_REDIS_URL']
    if (url) {
      // DARA_REDIS_PREFIX keeps apps that share one Redis apart.
      const prefix = env['DARA_REDIS_PREFIX']
      owned = store = new RedisSessionStore(prefix ? { url, prefix } : { url })
      storeName = `RedisSessionStore (DARA_REDIS_URL)`
    } else {
      // Without a file, a restart forgets every session and so logs everyone out.
      const file = options.sessionFile ?? (env['DARA_SESSION_FILE'] || undefined)
      owned = store = new MemorySessionStore(file === undefined ? {} : { file })
      storeName = file === undefined ? 'MemorySessionStore' : `MemorySessionStore (${join(file)})`
    }
  }
  const sessions = createSessions({ auth, store, tokens, clock })
  const app: AppSessions = {
    mint: (user, mintOptions) => sessions.mint(user, mintOptions),
    revoke: (sessionId) => sessions.revokeById(sessionId),
    revokeUser: (identityId) => sessions.revokeUser(identityId),
    store,
  }
  return { sessions, app, owned, secretSource: source, storeName }
}
