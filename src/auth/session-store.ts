import type { UserData } from './identity.ts'

/** A session as a store keeps it: who, and until when (epoch milliseconds). */
export interface StoredSession {
  readonly sessionId: string
  readonly user: UserData
  /** When the session ends: its tokens, refresh token and cookie stop working. */
  readonly expiresAt: number
  /**
   * The user's entry in the auth config when the session began, as a keyed
   * digest: when it no longer matches (the user was removed, or their groups or
   * password changed), the session stops working. Absent: not checked.
   */
  readonly fingerprint?: string
  /** Opened by an anonymous login (`DefaultAuthConfig`): evicted first when the store is full. */
  readonly anonymous?: boolean
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

/** One login-attempt counter and the failures it allows before delays begin. */
export interface AttemptCounter {
  readonly key: string
  /** Attempts allowed in a row before each further one must wait. */
  readonly free: number
}

/**
 * How long attempts wait once a counter is past its free ones: `delayMs`,
 * doubling with each further attempt, at most `maxDelayMs`, counted from the
 * last attempt. A counter is forgotten `windowMs` after its last attempt.
 */
export interface AttemptRule {
  readonly windowMs: number
  readonly delayMs: number
  readonly maxDelayMs: number
}

/** What reserving a login attempt gave: the right to check it, or how long to wait. */
export type Reservation =
  | { readonly ok: true }
  /** `counter` is the index of the counter that refused; nothing was counted. */
  | { readonly ok: false; readonly counter: number; readonly retryMs: number }

/**
 * Where sessions, revocations and login-attempt counts live. dara-ts ships a
 * memory store (one process; optionally saved to a file) and a Redis store
 * (several processes or machines). Times are epoch milliseconds passed in by
 * the caller, so a test's clock drives the store too.
 *
 * A token is good only while the store knows its session (fail closed): a
 * store that lost its sessions logs everyone out rather than forgetting whom
 * it logged out. The checks on the hot path ({@link SessionStore.available},
 * {@link SessionStore.isRevoked}, and {@link SessionStore.findSession} once a
 * session is known) are synchronous and in-process. A store shared by several
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
  /** Stores a new session, reachable by its id, its handle and its refresh token. */
  create(session: StoredSession, keys: SessionKeys, now: number): Promise<void>
  /**
   * The session of this id, expired or not, or undefined when the store does not
   * know it. Called on every request with a token: answer from memory once known.
   */
  findSession(
    sessionId: string,
    now: number,
  ): StoredSession | undefined | Promise<StoredSession | undefined>
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
  /** Revokes every live session of a user; resolves to how many there were. */
  revokeUser(identityId: string, now: number): Promise<number>
  /**
   * Counts a login attempt against every counter, in one atomic step, unless
   * one of them must still wait: then nothing is counted and the answer says
   * how long. Reserving before the password is checked is what keeps parallel
   * attempts, on one process or many, within the limits.
   */
  reserveAttempt(
    counters: readonly AttemptCounter[],
    rule: AttemptRule,
    now: number,
  ): Promise<Reservation>
  /** Takes back one reserved attempt from each key (it turned out not to be a failure). */
  releaseAttempt(keys: readonly string[]): Promise<void>
  /** Forgets the attempts of these keys (after a successful login). */
  clearAttempts(keys: readonly string[]): Promise<void>
  /** Resolves once the store can serve (or after `timeoutMs`); false on timeout. */
  ready(timeoutMs: number): Promise<boolean>
  /** Writes what is pending and releases connections and timers. */
  close(): Promise<void>
}
