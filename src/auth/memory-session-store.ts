import { AttemptCounters } from './login-attempts.ts'
import { readSnapshot, SnapshotWriter, type SessionEntry } from './session-file.ts'
import type {
  AttemptCounter,
  AttemptRule,
  Reservation,
  RotateResult,
  SessionKeys,
  SessionStore,
  StoredSession,
} from './session-store.ts'

/** Rotated refresh tokens remembered per session, to tell reuse from a forgery. */
const USED_KEPT = 64
/** Expired entries are swept every this many changes. */
const SWEEP_EVERY = 256
/** Sessions kept at most by default; past it the oldest anonymous one goes first. */
const MAX_SESSIONS = 100_000
/** Changes to the file are written together, at most this long after the first. */
const WRITE_DELAY_MS = 1000

export interface MemorySessionStoreOptions {
  /** A file that keeps the sessions across restarts (mode 0600; digests only). */
  readonly file?: string
  /** Sessions kept at most (default 100,000); past it the oldest goes, anonymous ones first. */
  readonly maxSessions?: number
  /** Anonymous sessions (`DefaultAuthConfig`) kept at most (default: half of `maxSessions`). */
  readonly maxAnonymousSessions?: number
  /** How long changes wait to be written together (default 1000 ms); a revocation is written at once. */
  readonly writeDelayMs?: number
}

/**
 * Sessions in this process's memory: the default store, for one process.
 * Without a file, a restart logs everyone out. With `file`, changes are
 * written there in the background, together (atomically, mode 0600), and read
 * back at start, so a restart logs nobody out and keeps every logout; a
 * revocation is on disk before it is answered. The file holds only digests of
 * handles and refresh tokens. At most `maxSessions` (100,000) are kept, and at
 * most `maxAnonymousSessions` of them anonymous: past either, the oldest
 * anonymous session goes first, so a flood of anonymous logins cannot push
 * out the sessions of real users or scripts.
 *
 * @example
 * ```ts
 * import { MemorySessionStore } from 'dara-ts/auth'
 *
 * const store = new MemorySessionStore({ file: '.dara/sessions.json' })
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly available = true
  readonly unavailableReason = ''
  readonly #sessions = new Map<string, SessionEntry>()
  readonly #handles = new Map<string, string>()
  /** Ids of the anonymous sessions, oldest first. */
  readonly #anonymous = new Set<string>()
  readonly #revoked = new Map<string, number>()
  readonly #attempts = new AttemptCounters()
  readonly #writer: SnapshotWriter | undefined
  readonly #max: number
  readonly #maxAnonymous: number
  #changes = 0

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#max = options.maxSessions ?? MAX_SESSIONS
    this.#maxAnonymous = options.maxAnonymousSessions ?? Math.ceil(this.#max / 2)
    const { file } = options
    if (file === undefined) return
    this.#load(file)
    this.#writer = new SnapshotWriter(
      file,
      () => ({ sessions: [...this.#sessions.values()], revoked: [...this.#revoked] }),
      options.writeDelayMs ?? WRITE_DELAY_MS,
    )
  }

  isRevoked(sessionId: string): boolean {
    return this.#revoked.has(sessionId)
  }

  create(session: StoredSession, keys: SessionKeys, now: number): Promise<void> {
    if (session.anonymous) {
      for (const id of this.#anonymous) {
        if (this.#anonymous.size < this.#maxAnonymous) break
        this.#drop(id)
      }
    }
    if (this.#sessions.size >= this.#max) {
      // Full: the oldest anonymous session goes (Sets and Maps iterate in
      // insertion order); without any, the expired ones, else the oldest of all.
      const oldest = this.#anonymous.values().next()
      if (!oldest.done) this.#drop(oldest.value)
      else this.#sweep(now)
      for (const id of this.#sessions.keys()) {
        if (this.#sessions.size < this.#max) break
        this.#drop(id)
      }
    }
    this.#sessions.set(session.sessionId, { session, ...keys, used: [] })
    this.#handles.set(keys.handle, session.sessionId)
    if (session.anonymous) this.#anonymous.add(session.sessionId)
    this.#changed(now)
    return Promise.resolve()
  }

  findSession(sessionId: string): StoredSession | undefined {
    return this.#sessions.get(sessionId)?.session
  }

  findByHandle(handle: string): StoredSession | undefined {
    const id = this.#handles.get(handle)
    return id === undefined ? undefined : this.#sessions.get(id)?.session
  }

  async rotate(
    sessionId: string,
    presented: string,
    next: string,
    now: number,
  ): Promise<RotateResult> {
    if (this.#revoked.has(sessionId)) return { kind: 'revoked' }
    const entry = this.#sessions.get(sessionId)
    if (!entry) return { kind: 'unknown' }
    if (entry.session.expiresAt <= now) return { kind: 'expired' }
    if (entry.refresh === presented) {
      entry.used.push(presented)
      if (entry.used.length > USED_KEPT) entry.used.shift()
      entry.refresh = next
      this.#changed(now)
      return { kind: 'rotated', session: entry.session }
    }
    if (!entry.used.includes(presented)) return { kind: 'unknown' }
    await this.revoke(sessionId, entry.session.expiresAt, now)
    return { kind: 'reused' }
  }

  async revoke(sessionId: string, until: number, now: number): Promise<void> {
    this.#revoked.set(sessionId, Math.max(until, this.#revoked.get(sessionId) ?? 0))
    this.#changed(now)
    // A logout is answered once it would survive a crash.
    await this.#writer?.flush()
  }

  async revokeUser(identityId: string, now: number): Promise<number> {
    let count = 0
    for (const [id, { session }] of this.#sessions) {
      if (session.user.identityId !== identityId || session.expiresAt <= now) continue
      if (this.#revoked.has(id)) continue
      this.#revoked.set(id, session.expiresAt)
      count++
    }
    this.#changed(now)
    await this.#writer?.flush()
    return count
  }

  reserveAttempt(
    counters: readonly AttemptCounter[],
    rule: AttemptRule,
    now: number,
  ): Promise<Reservation> {
    return Promise.resolve(this.#attempts.reserve(counters, rule, now))
  }

  releaseAttempt(keys: readonly string[]): Promise<void> {
    this.#attempts.release(keys)
    return Promise.resolve()
  }

  clearAttempts(keys: readonly string[]): Promise<void> {
    this.#attempts.clear(keys)
    return Promise.resolve()
  }

  ready(): Promise<boolean> {
    return Promise.resolve(true)
  }

  async close(): Promise<void> {
    await this.#writer?.close()
  }

  #drop(id: string): void {
    const entry = this.#sessions.get(id)
    this.#sessions.delete(id)
    this.#anonymous.delete(id)
    if (entry) this.#handles.delete(entry.handle)
  }

  #changed(now: number): void {
    if (++this.#changes % SWEEP_EVERY === 0) this.#sweep(now)
    this.#writer?.changed()
  }

  #sweep(now: number): void {
    for (const [id, entry] of this.#sessions) {
      if (entry.session.expiresAt <= now) this.#drop(id)
    }
    for (const [id, until] of this.#revoked) if (until <= now) this.#revoked.delete(id)
  }

  #load(file: string): void {
    // A file that is not ours is ignored: it is replaced at the next change.
    const snapshot = readSnapshot(file)
    if (!snapshot) return
    for (const entry of snapshot.sessions) {
      const id = entry.session.sessionId
      this.#sessions.set(id, { ...entry, used: [...entry.used] })
      this.#handles.set(entry.handle, id)
      if (entry.session.anonymous) this.#anonymous.add(id)
    }
    for (const [id, until] of snapshot.revoked) this.#revoked.set(id, until)
  }
}
