import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { DaraError } from '../errors.ts'
import { HttpError } from '../http/http-error.ts'
import type { AuthConfig } from './auth-config.ts'
import type { Identity, UserData } from './identity.ts'
import { isUser } from './memory-session-store.ts'
import type { SessionStore, StoredSession } from './session-store.ts'
import type { Clock, TokenService } from './tokens.ts'

/** What a login or a refresh hands a program. */
export interface TokenPair {
  /** The access token: a JWT to send as `Authorization: Bearer <token>`. */
  readonly token: string
  /** Trade it at `POST /api/auth/refresh-token` for a new pair; it works once. */
  readonly refreshToken: string
  /** Seconds the access token lives. */
  readonly expiresIn: number
}

export interface Login extends TokenPair {
  /** The opaque cookie handle of the session (the cookie's value). */
  readonly handle: string
  /** Seconds the cookie lives: the session's lifetime. */
  readonly maxAge: number
  readonly session: StoredSession
}

/**
 * The name of the cookie that holds a browser's session: an opaque handle,
 * never a token (HttpOnly, SameSite=Lax, Secure over https).
 *
 * @example
 * ```ts
 * import { SESSION_COOKIE } from 'dara-ts/auth'
 *
 * console.log(SESSION_COOKIE) // "dara_session_token"
 * ```
 */
export const SESSION_COOKIE = 'dara_session_token'

/** Longest life of a token made with `mint` (and so of a revocation). */
const MAX_MINT_SECONDS = 366 * 86_400
const REFRESH_SHAPE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[\w-]{43}$/

export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

function opaque(): string {
  return randomBytes(32).toString('base64url')
}

/** Store calls fail closed: an error reaching the store is a 503, not a 500. */
async function guarded<T>(store: SessionStore, work: () => Promise<T>): Promise<T> {
  if (!store.available) throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', store.unavailableReason)
  try {
    return await work()
  } catch (error) {
    if (error instanceof DaraError || error instanceof HttpError) throw error
    throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', reason(error))
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 120) : 'store error'
}

function isLoginFailure(error: unknown): boolean {
  if (error instanceof DaraError) return error.code === 'DARA_ERR_AUTH_LOGIN_FAILED'
  return error instanceof HttpError && error.status === 401
}

export type Sessions = ReturnType<typeof createSessions>

/**
 * Logins, refreshes, revocations and the per-request checks of one app. The
 * per-request checks (`bearer`, `cookie`) touch the store only through its
 * synchronous, in-process `available` and `isRevoked`, plus a handle lookup
 * for cookies that the stores answer from memory.
 */
export function createSessions(deps: {
  readonly auth: AuthConfig
  readonly store: SessionStore
  readonly tokens: TokenService
  readonly clock: Clock
}) {
  const { auth, store, tokens, clock } = deps
  const tokenMs = auth.tokenTtlSeconds * 1000
  const sessionMs = auth.sessionTtlSeconds * 1000

  function live(identity: Identity): Identity {
    if (!store.available) throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', store.unavailableReason)
    if (store.isRevoked(identity.sessionId)) throw new DaraError('DARA_ERR_AUTH_REVOKED')
    return identity
  }

  function ofSession(session: StoredSession | undefined): Identity {
    if (!session) throw new DaraError('DARA_ERR_AUTH_SESSION_UNKNOWN')
    if (store.isRevoked(session.sessionId)) throw new DaraError('DARA_ERR_AUTH_REVOKED')
    if (session.expiresAt <= clock()) throw new DaraError('DARA_ERR_AUTH_SESSION_EXPIRED')
    return { user: session.user, sessionId: session.sessionId, expiresAt: session.expiresAt }
  }

  async function pair(session: StoredSession, refreshToken: string, now: number) {
    // An access token never outlives its session, so a revocation kept until the
    // session's end covers every token of it.
    const expiresAt = Math.min(now + tokenMs, session.expiresAt)
    const token = await tokens.sign(session.user, session.sessionId, expiresAt)
    return { token, refreshToken, expiresIn: Math.max(0, Math.floor((expiresAt - now) / 1000)) }
  }

  async function checkLimits(keys: readonly string[], now: number): Promise<void> {
    const limits = [auth.loginLimit.perAddress, auth.loginLimit.perUser]
    const counts = await guarded(store, () => store.failures(keys, now))
    counts.forEach((count, i) => {
      if (count.count < (limits[i] ?? Infinity)) return
      const retry = Math.max(1, Math.ceil((count.resetAt - now) / 1000))
      throw new DaraError(
        'DARA_ERR_AUTH_RATE_LIMITED',
        i === 0 ? 'address' : 'user',
        retry,
      ).withHeaders({ 'retry-after': String(retry) })
    })
  }

  return {
    store,

    /** Checks credentials (with brute-force limits) and opens a session. */
    async login(body: unknown, address: string): Promise<Login> {
      const now = clock()
      const name = auth.loginName(body)
      const keys = [`login:addr:${address}`, ...(name ? [`login:user:${digest(name)}`] : [])]
      await checkLimits(keys, now)
      let user: UserData
      try {
        user = await auth.authenticate(body)
      } catch (error) {
        if (isLoginFailure(error)) {
          const windowMs = auth.loginLimit.windowSeconds * 1000
          await guarded(store, () => store.recordFailure(keys, windowMs, now))
        }
        throw error
      }
      if (!isUser(user)) {
        throw new TypeError(
          `${auth.constructor.name}.authenticate() must return { identityId, identityName, groups }`,
        )
      }
      const sessionId = randomUUID()
      const handle = opaque()
      const refreshToken = `${sessionId}.${opaque()}`
      const session: StoredSession = { sessionId, user, expiresAt: now + sessionMs }
      await guarded(store, async () => {
        if (name) await store.clearFailures(`login:user:${digest(name)}`)
        await store.create(session, { handle: digest(handle), refresh: digest(refreshToken) }, now)
      })
      return {
        ...(await pair(session, refreshToken, now)),
        handle,
        maxAge: auth.sessionTtlSeconds,
        session,
      }
    },

    /** Trades a refresh token for a new pair; a reused one revokes its session. */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const match = REFRESH_SHAPE.exec(refreshToken)
      if (!match?.[1]) throw new DaraError('DARA_ERR_AUTH_REFRESH_INVALID')
      const now = clock()
      const next = `${match[1]}.${opaque()}`
      const result = await guarded(store, () =>
        store.rotate(String(match[1]), digest(refreshToken), digest(next), now),
      )
      switch (result.kind) {
        case 'rotated':
          return pair(result.session, next, now)
        case 'reused':
          throw new DaraError('DARA_ERR_AUTH_REFRESH_REUSED')
        case 'unknown':
          throw new DaraError('DARA_ERR_AUTH_REFRESH_INVALID')
        case 'revoked':
          throw new DaraError('DARA_ERR_AUTH_REVOKED')
        case 'expired':
          throw new DaraError('DARA_ERR_AUTH_SESSION_EXPIRED')
      }
    },

    /**
     * The identity of a Bearer token, or the 401/503 that refuses it. Always
     * synchronous: the token is checked in memory, no promise on the hot path.
     */
    bearer(token: string): Identity {
      return live(tokens.verify(token))
    },

    /** The identity of a cookie's session handle, or the 401/503 that refuses it. */
    cookie(handle: string): Identity | Promise<Identity> {
      if (!store.available) throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', store.unavailableReason)
      const found = store.findByHandle(digest(handle), clock())
      return found instanceof Promise
        ? guarded(store, () => found).then(ofSession)
        : ofSession(found)
    },

    /** Revokes a session on every process sharing the store; its tokens and cookie stop at once. */
    async revoke(sessionId: string, tokenExpiresAt = 0): Promise<void> {
      const now = clock()
      const until = Math.max(tokenExpiresAt, now + Math.max(sessionMs, tokenMs))
      await guarded(store, () => store.revoke(sessionId, until, now))
    },

    /**
     * A token for a user, without a login: for scripts and tests. It opens no
     * stored session (so it cannot be refreshed), but it is revocable by its
     * session id like any other.
     */
    async mint(
      user: UserData,
      options: {
        readonly ttlSeconds?: number
        readonly sessionId?: string
        readonly scopes?: readonly string[]
      } = {},
    ): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
      if (!isUser(user)) {
        throw new TypeError('mint(user): pass { identityId, identityName, groups: [] }')
      }
      const ttl = options.ttlSeconds ?? auth.tokenTtlSeconds
      if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_MINT_SECONDS) {
        throw new RangeError(
          `mint(): ttlSeconds must be a whole number from 1 to ${MAX_MINT_SECONDS}`,
        )
      }
      const sessionId = options.sessionId ?? randomUUID()
      const expiresAt = clock() + ttl * 1000
      const token = await tokens.sign(user, sessionId, expiresAt, options.scopes)
      return { token, sessionId, expiresAt: new Date(expiresAt) }
    },

    /** The revocation window of a minted token, for `revoke` of one whose expiry is unknown. */
    maxMintMs: MAX_MINT_SECONDS * 1000,
  }
}
