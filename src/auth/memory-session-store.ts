import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { UserData } from './identity.ts'
import { parseJsonObject } from './json-object.ts'
import type {
  FailureCount,
  RotateResult,
  SessionKeys,
  SessionStore,
  StoredSession,
} from './session-store.ts'

interface Entry {
  readonly session: StoredSession
  readonly handle: string
  refresh: string
  /** Refresh tokens already rotated away: presenting one again revokes the session. */
  readonly used: string[]
}

interface Snapshot {
  readonly version: 1
  readonly sessions: readonly Entry[]
  readonly revoked: readonly (readonly [string, number])[]
}

/** Rotated refresh tokens remembered per session, to tell reuse from a forgery. */
const USED_KEPT = 64
/** Expired entries are swept every this many writes. */
const SWEEP_EVERY = 256
/** Sessions kept at most by default; past it the oldest goes (anonymous logins cost memory). */
const MAX_SESSIONS = 100_000

/**
 * Sessions in this process's memory: the default store, for one process.
 * With `file`, every change is also written there (atomically, mode 0600) and
 * read back at start, so a restart (`dara start --reload`) logs nobody out.
 * The file holds only digests of handles and refresh tokens. At most
 * `maxSessions` (100,000) are kept; past that the oldest is dropped.
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
  readonly #sessions = new Map<string, Entry>()
  readonly #handles = new Map<string, string>()
  readonly #revoked = new Map<string, number>()
  readonly #failures = new Map<string, FailureCount>()
  readonly #file: string | undefined
  readonly #max: number
  #writes = 0

  constructor(options: { readonly file?: string; readonly maxSessions?: number } = {}) {
    this.#file = options.file
    this.#max = options.maxSessions ?? MAX_SESSIONS
    if (this.#file !== undefined) this.#load(this.#file)
  }

  isRevoked(sessionId: string): boolean {
    return this.#revoked.has(sessionId)
  }

  create(session: StoredSession, keys: SessionKeys, now: number): Promise<void> {
    if (this.#sessions.size >= this.#max) this.#sweep(now)
    // Still full: the oldest session goes (a Map iterates in insertion order).
    for (const [id, entry] of this.#sessions) {
      if (this.#sessions.size < this.#max) break
      this.#sessions.delete(id)
      this.#handles.delete(entry.handle)
    }
    this.#sessions.set(session.sessionId, { session, ...keys, used: [] })
    this.#handles.set(keys.handle, session.sessionId)
    this.#changed(now)
    return Promise.resolve()
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

  revoke(sessionId: string, until: number, now: number): Promise<void> {
    this.#revoked.set(sessionId, Math.max(until, this.#revoked.get(sessionId) ?? 0))
    this.#changed(now)
    return Promise.resolve()
  }

  failures(keys: readonly string[], now: number): Promise<FailureCount[]> {
    return Promise.resolve(
      keys.map((key) => {
        const found = this.#failures.get(key)
        return found && found.resetAt > now ? found : { count: 0, resetAt: 0 }
      }),
    )
  }

  recordFailure(keys: readonly string[], windowMs: number, now: number): Promise<void> {
    for (const key of keys) {
      const found = this.#failures.get(key)
      this.#failures.set(
        key,
        found && found.resetAt > now
          ? { count: found.count + 1, resetAt: found.resetAt }
          : { count: 1, resetAt: now + windowMs },
      )
    }
    return Promise.resolve()
  }

  clearFailures(key: string): Promise<void> {
    this.#failures.delete(key)
    return Promise.resolve()
  }

  ready(): Promise<boolean> {
    return Promise.resolve(true)
  }

  close(): Promise<void> {
    return Promise.resolve()
  }

  #changed(now: number): void {
    if (++this.#writes % SWEEP_EVERY === 0) this.#sweep(now)
    if (this.#file !== undefined) this.#save(this.#file)
  }

  #sweep(now: number): void {
    for (const [id, entry] of this.#sessions) {
      if (entry.session.expiresAt > now) continue
      this.#sessions.delete(id)
      this.#handles.delete(entry.handle)
    }
    for (const [id, until] of this.#revoked) if (until <= now) this.#revoked.delete(id)
    for (const [key, count] of this.#failures) if (count.resetAt <= now) this.#failures.delete(key)
  }

  #save(file: string): void {
    const snapshot: Snapshot = {
      version: 1,
      sessions: [...this.#sessions.values()],
      revoked: [...this.#revoked],
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    const temporary = `${file}.${process.pid}.tmp`
    writeFileSync(temporary, JSON.stringify(snapshot), { mode: 0o600 })
    renameSync(temporary, file)
  }

  #load(file: string): void {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      return
    }
    // A file that is not ours (or half of one) is ignored: it is rewritten at the next change.
    const parsed = parseSnapshot(text)
    if (!parsed) return
    for (const entry of parsed.sessions) {
      this.#sessions.set(entry.session.sessionId, { ...entry, used: [...entry.used] })
      this.#handles.set(entry.handle, entry.session.sessionId)
    }
    for (const [id, until] of parsed.revoked) this.#revoked.set(id, until)
  }
}

function parseSnapshot(text: string): Snapshot | undefined {
  const value = parseJsonObject(text)
  if (!value) return undefined
  const { version, sessions, revoked } = value
  if (version !== 1 || !Array.isArray(sessions) || !Array.isArray(revoked)) return undefined
  const entries = sessions.filter(isEntry)
  const pairs = revoked.filter(
    (pair): pair is [string, number] =>
      Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'number',
  )
  return { version, sessions: entries, revoked: pairs }
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false
  // Sound: as above, each field is narrowed before use.
  const { session, handle, refresh, used } = value as Record<string, unknown>
  if (typeof handle !== 'string' || typeof refresh !== 'string' || !Array.isArray(used)) {
    return false
  }
  if (typeof session !== 'object' || session === null) return false
  // Sound: as above.
  const { sessionId, expiresAt, user } = session as Record<string, unknown>
  return typeof sessionId === 'string' && typeof expiresAt === 'number' && isUser(user)
}

export function isUser(value: unknown): value is UserData {
  if (typeof value !== 'object' || value === null) return false
  // Sound: as above.
  const { identityId, identityName, identityEmail, groups } = value as Record<string, unknown>
  return (
    typeof identityId === 'string' &&
    typeof identityName === 'string' &&
    (identityEmail === undefined || typeof identityEmail === 'string') &&
    Array.isArray(groups) &&
    groups.every((g) => typeof g === 'string')
  )
}
