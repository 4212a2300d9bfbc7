import { randomBytes, randomUUID } from 'node:crypto'
import { DaraError } from '../errors.ts'
import { HttpError } from '../http/http-error.ts'
import { createAdminCheck } from './admin-request.ts'
import { DefaultAuthConfig, type AuthConfig } from './auth-config.ts'
import { digest } from './digest.ts'
import type { Identity, UserData } from './identity.ts'
import { isUser } from './session-file.ts'
import type { AttemptCounter, AttemptRule, SessionStore, StoredSession } from './session-store.ts'
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
/** Users whose keyed fingerprint is kept; past it the table starts again. */
const FINGERPRINTS_KEPT = 10_000
/** How the 429 names each login counter, in the order they are checked. */
const COUNTER_NAMES = ['user from this address', 'user', 'address'] as const

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

/** Checks a Bearer token of another issuer; undefined when the token is not one of its. */
export type ForeignBearer = (token: string) => Promise<Identity> | undefined

/**
 * Logins, refreshes, revocations and the per-request checks of one app. A
 * token or cookie is good only while the store knows its session, has not
 * revoked it, and its user is still the one the auth config describes. The
 * per-request checks (`bearer`, `cookie`) touch the store through its
 * synchronous, in-process `available`, `isRevoked` and lookups; a store
 * answers a lookup from memory once it has seen the session.
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
  const limit = auth.loginLimit
  const rule: AttemptRule = {
    windowMs: limit.windowSeconds * 1000,
    delayMs: limit.delaySeconds * 1000,
    maxDelayMs: limit.maxDelaySeconds * 1000,
  }
  // Anonymous logins cannot fail: there is nothing to count.
  const anonymous = auth instanceof DefaultAuthConfig
  const fingerprints = new Map<string, { readonly raw: string; readonly keyed: string }>()
  /** Bearer tokens another issuer signs (an identity provider's ID tokens), when the auth config takes them. */
  let foreignBearer: ForeignBearer | undefined

  /**
   * The user's entry in the auth config now, keyed with the app's secret so
   * that a stored session (or its file) tells nothing about a password.
   */
  function fingerprintOf(identityId: string): string | undefined {
    const raw = auth.userVersion(identityId)
    if (raw === undefined || raw === null) return undefined
    const cached = fingerprints.get(identityId)
    if (cached?.raw === raw) return cached.keyed
    const keyed = tokens.keyed(`dara-ts user\0${identityId}\0${raw}`)
    if (fingerprints.size >= FINGERPRINTS_KEPT) fingerprints.clear()
    fingerprints.set(identityId, { raw, keyed })
    return keyed
  }

  /** Refuses a session whose user the auth config no longer describes as it did. */
  function sameUser(session: StoredSession): void {
    if (session.fingerprint === undefined) return
    if (fingerprintOf(session.user.identityId) !== session.fingerprint) {
      throw new DaraError('DARA_ERR_AUTH_USER_CHANGED')
    }
  }

  function ofToken(identity: Identity, session: StoredSession | undefined): Identity {
    if (!session) throw new DaraError('DARA_ERR_AUTH_SESSION_LOST')
    // Checked again: a lookup that waited on the store may have missed a revocation meanwhile.
    if (store.isRevoked(identity.sessionId)) throw new DaraError('DARA_ERR_AUTH_REVOKED')
    if (session.user.identityId !== identity.user.identityId) {
      throw new DaraError('DARA_ERR_AUTH_INVALID', 'its session belongs to another user')
    }
    sameUser(session)
    return identity
  }

  function ofSession(session: StoredSession | undefined): Identity {
    if (!session) throw new DaraError('DARA_ERR_AUTH_SESSION_UNKNOWN')
    if (store.isRevoked(session.sessionId)) throw new DaraError('DARA_ERR_AUTH_REVOKED')
    if (session.expiresAt <= clock()) throw new DaraError('DARA_ERR_AUTH_SESSION_EXPIRED')
    sameUser(session)
    return { user: session.user, sessionId: session.sessionId, expiresAt: session.expiresAt }
  }

  async function pair(session: StoredSession, refreshToken: string, now: number) {
    // An access token never outlives its session, so a revocation kept until the
    // session's end covers every token of it.
    const expiresAt = Math.min(now + tokenMs, session.expiresAt)
    const token = await tokens.sign(session.user, session.sessionId, expiresAt)
    return { token, refreshToken, expiresIn: Math.max(0, Math.floor((expiresAt - now) / 1000)) }
  }

  /** Counts the attempt before the password is checked, or throws the 429 that refuses it. */
  async function reserve(counters: readonly AttemptCounter[], now: number): Promise<void> {
    const reservation = await guarded(store, () => store.reserveAttempt(counters, rule, now))
    if (reservation.ok) return
    const retry = Math.max(1, Math.ceil(reservation.retryMs / 1000))
    const name = COUNTER_NAMES[COUNTER_NAMES.length - counters.length + reservation.counter]
    throw new DaraError('DARA_ERR_AUTH_RATE_LIMITED', name, retry).withHeaders({
      'retry-after': String(retry),
    })
  }

  /** A session of `user` in the store, with the user's config entry as it is now. */
  function newSession(
    user: UserData,
    sessionId: string,
    expiresAt: number,
    loggedIn: boolean,
  ): StoredSession {
    const fingerprint = fingerprintOf(user.identityId)
    return {
      sessionId,
      user,
      expiresAt,
      ...(fingerprint === undefined ? {} : { fingerprint }),
      ...(anonymous && loggedIn ? { anonymous: true } : {}),
    }
  }

  async function revoke(sessionId: string, tokenExpiresAt = 0): Promise<void> {
    const now = clock()
    const until = Math.max(tokenExpiresAt, now + Math.max(sessionMs, tokenMs))
    await guarded(store, () => store.revoke(sessionId, until, now))
  }

  return {
    store,
    clock,
    /** The app's keyed digest (HMAC with its secret), for values only this app may make. */
    keyed: tokens.keyed,

    /** Lets `bearer` take tokens another issuer signs: `check` answers undefined for the app's own. */
    acceptForeignBearer(check: ForeignBearer): void {
      foreignBearer = check
    },

    /** Checks credentials (within the login limits) and opens a session. */
    async login(body: unknown, address: string): Promise<Login> {
      const now = clock()
      const name = auth.loginName(body)
      const counters: AttemptCounter[] = anonymous
        ? []
        : [
            ...(name
              ? [
                  {
                    key: `login:pair:${digest(`${name}\0${address}`)}`,
                    free: limit.perUserAddress,
                  },
                  { key: `login:user:${digest(name)}`, free: limit.perUser },
                ]
              : []),
            { key: `login:addr:${address}`, free: limit.perAddress },
          ]
      if (counters.length) await reserve(counters, now)
      const keys = counters.map((counter) => counter.key)
      let user: UserData
      try {
        user = await auth.authenticate(body)
      } catch (error) {
        // A wrong password keeps its reservation; anything else (missing
        // fields, a busy server, a bug) was no guess and gives it back.
        if (!isLoginFailure(error) && keys.length) {
          await store.releaseAttempt(keys).catch(() => undefined)
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
      const session = newSession(user, sessionId, now + sessionMs, true)
      await guarded(store, async () => {
        if (keys.length) {
          // The user's own address starts afresh; the other counters only lose this attempt.
          if (name) await store.clearAttempts(keys.slice(0, 1))
          await store.releaseAttempt(name ? keys.slice(1) : keys)
        }
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
          sameUser(result.session)
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
     * The identity of a Bearer token, or the 401/503 that refuses it.
     * Synchronous once the store has seen the session: no promise on the hot path.
     */
    bearer(token: string): Identity | Promise<Identity> {
      const foreign = foreignBearer?.(token)
      if (foreign) {
        return foreign.then((identity) => {
          if (store.isRevoked(identity.sessionId)) throw new DaraError('DARA_ERR_AUTH_REVOKED')
          return identity
        })
      }
      const identity = tokens.verify(token)
      if (!store.available) throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', store.unavailableReason)
      if (store.isRevoked(identity.sessionId)) throw new DaraError('DARA_ERR_AUTH_REVOKED')
      const found = store.findSession(identity.sessionId, clock())
      return found instanceof Promise
        ? guarded(store, () => found).then((session) => ofToken(identity, session))
        : ofToken(identity, found)
    },

    /** The identity of a cookie's session handle, or the 401/503 that refuses it. */
    cookie(handle: string): Identity | Promise<Identity> {
      if (!store.available) throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', store.unavailableReason)
      const found = store.findByHandle(digest(handle), clock())
      return found instanceof Promise
        ? guarded(store, () => found).then(ofSession)
        : ofSession(found)
    },

    /**
     * Throws the 401 of a session that is over (revoked, expired, forgotten by
     * the store, or its user changed), for a connection that outlives the
     * request that opened it. While the store is unavailable the session is not
     * judged: an outage does not end it, and revocations are reloaded on return.
     */
    recheck(sessionId: string): void | Promise<void> {
      if (!store.available) return undefined
      if (store.isRevoked(sessionId)) throw new DaraError('DARA_ERR_AUTH_REVOKED')
      const found = store.findSession(sessionId, clock())
      if (found instanceof Promise) return found.then((session) => void ofSession(session))
      ofSession(found)
      return undefined
    },

    /** Revokes a session on every process sharing the store; its tokens and cookie stop at once. */
    revoke,

    /** Revokes a session whose tokens' expiry is unknown: refused as long as a minted token may live. */
    revokeById(sessionId: string): Promise<void> {
      return revoke(sessionId, clock() + MAX_MINT_SECONDS * 1000)
    },

    /** Revokes every live session of a user; resolves to how many. */
    revokeUser(identityId: string): Promise<number> {
      return guarded(store, () => store.revokeUser(identityId, clock()))
    },

    /**
     * A token for a user, without a login: for scripts and tests. It opens a
     * session in the store (its token is refused once the store forgets it)
     * that cannot be refreshed, revocable by its id like any other.
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
      const now = clock()
      const sessionId = options.sessionId ?? randomUUID()
      let expiresAt = now + ttl * 1000
      // A token for a session the store knows joins it, and ends with it.
      const existing = options.sessionId
        ? await guarded(store, async () => store.findSession(sessionId, now))
        : undefined
      if (existing) {
        expiresAt = Math.min(expiresAt, existing.expiresAt)
      } else {
        const session = newSession(user, sessionId, expiresAt, false)
        // Nobody holds a handle or a refresh token of it: the digests are of nothing handed out.
        const keys = { handle: digest(opaque()), refresh: digest(opaque()) }
        await guarded(store, () => store.create(session, keys, now))
      }
      const token = await tokens.sign(user, sessionId, expiresAt, options.scopes)
      return { token, sessionId, expiresAt: new Date(expiresAt) }
    },

    /** Refuses (401) an admin request that the app's secret did not sign for this very body. */
    checkAdmin: createAdminCheck(tokens.keyed, clock),
  }
}
