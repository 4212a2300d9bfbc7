import type { UserData } from './identity.ts'

/** A session as a store keeps it: who, and until when (epoch milliseconds). */
export interface StoredSession {
  readonly sessionId: string
  readonly user: UserData
  /** When the session ends: its refresh token and cookie stop working. */
  readonly expiresAt: number
}

/**
 * The secrets a session is reached by, as SHA-256 digests (hex): a store never
 * holds a cookie handle or a refresh token that would work if it leaked.
 */
export interface SessionKeys {
  /** Digest of the cookie's opaque handle. */
  readonly handle: string
  /** Digest of the current refresh token. */
  readonly refresh: string
}

/** What presenting a refresh token did. */
export type RotateResult =
  | { readonly kind: 'rotated'; readonly session: StoredSession }
  /** A refresh token that was already used: the store has revoked the session. */
  | { readonly kind: 'reused' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'revoked' }
  | { readonly kind: 'expired' }

/** Failed logins counted for one key, in its current window. */
export interface FailureCount {
  readonly count: number
  /** When the window ends (epoch milliseconds); 0 with no failure counted. */
  readonly resetAt: number
}

/**
 * Where sessions, revocations and failed-login counts live. dara-ts ships a
 * memory store (one process; optionally saved to a file) and a Redis store
 * (several processes or machines). Times are epoch milliseconds passed in by
 * the caller, so a test's clock drives the store too.
 *
 * The two methods on the hot path are synchronous and in-process: a request
 * is checked against {@link SessionStore.available} and
 * {@link SessionStore.isRevoked} without any I/O. A store shared by several
 * processes must therefore push revocations to every process at once (the
 * Redis store uses pub/sub) and report itself unavailable whenever it might
 * have missed one.
 *
 * @example
 * ```ts
 * import { ConfigurationBuilder, createApp } from 'dara-ts'
 * import { MemorySessionStore } from 'dara-ts/auth'
 *
 * const app = createApp(new ConfigurationBuilder(), { sessionStore: new MemorySessionStore() })
 * ```
 */
export interface SessionStore {
  /** False while the store cannot vouch for revocations (Redis down): sessions then fail with 503. */
  readonly available: boolean
  /** Why the store is unavailable, for the 503's detail. */
  readonly unavailableReason: string
  /** Whether the session was revoked. Synchronous and in-process: called on every request. */
  isRevoked(sessionId: string): boolean
  /** Stores a new session, reachable by its handle and refresh token. */
  create(session: StoredSession, keys: SessionKeys, now: number): Promise<void>
  /** The live session a cookie handle (digest) belongs to; may answer synchronously. */
  findByHandle(
    handle: string,
    now: number,
  ): StoredSession | undefined | Promise<StoredSession | undefined>
  /**
   * Swaps the session's refresh token `presented` for `next`, atomically. A
   * token that was current once but is no longer revokes the session.
   */
  rotate(sessionId: string, presented: string, next: string, now: number): Promise<RotateResult>
  /** Revokes a session everywhere; tokens of it are refused until `until` and after (they expire). */
  revoke(sessionId: string, until: number, now: number): Promise<void>
  /** Current failed-login counts for these keys. */
  failures(keys: readonly string[], now: number): Promise<FailureCount[]>
  /** Counts one failed login against each key; a window starts at a key's first failure. */
  recordFailure(keys: readonly string[], windowMs: number, now: number): Promise<void>
  /** Forgets the failures of a key (after a successful login). */
  clearFailures(key: string): Promise<void>
  /** Resolves once the store can serve (or after `timeoutMs`); false on timeout. */
  ready(timeoutMs: number): Promise<boolean>
  /** Releases connections and timers. */
  close(): Promise<void>
}
