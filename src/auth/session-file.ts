import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { UserData } from './identity.ts'
import { parseJsonObject } from './json-object.ts'
import type { StoredSession } from './session-store.ts'

/** A session as the memory store keeps it, and as its file holds it. */
export interface SessionEntry {
  readonly session: StoredSession
  readonly handle: string
  refresh: string
  /** Refresh tokens already rotated away: presenting one again revokes the session. */
  readonly used: string[]
}

export interface Snapshot {
  readonly sessions: readonly SessionEntry[]
  readonly revoked: readonly (readonly [string, number])[]
}

/** Entries serialized per slice of a write; the event loop gets a turn between slices. */
const SLICE = 500
/** Temporary files of a write that a crash cut short are removed at start once this old. */
const STALE_TEMPORARY_MS = 60_000

/**
 * Writes a memory store's sessions to its file, off the request path: a
 * change schedules one write `delayMs` later, and every change until it starts
 * joins it. The snapshot is serialized in slices with the event loop free
 * between them, written to a temporary file, synced and renamed over the old
 * one, so the file is always one whole snapshot, old or new, whenever the
 * process dies. `flush()` resolves once every change made before it is on disk.
 */
export class SnapshotWriter {
  readonly #file: string
  readonly #delayMs: number
  readonly #snapshot: () => Snapshot
  #timer: NodeJS.Timeout | undefined
  #writing: Promise<void> | undefined
  /** Changes seen, and changes known to be on disk. */
  #version = 0
  #written = 0

  constructor(file: string, snapshot: () => Snapshot, delayMs: number) {
    this.#file = file
    this.#snapshot = snapshot
    this.#delayMs = delayMs
  }

  changed(): void {
    this.#version++
    if (this.#timer === undefined && this.#writing === undefined) this.#schedule(this.#delayMs)
  }

  /** Resolves once every change made so far is on disk; rejects if a write fails. */
  async flush(): Promise<void> {
    const wanted = this.#version
    while (this.#written < wanted) {
      if (this.#writing) {
        await this.#writing
        continue
      }
      clearTimeout(this.#timer)
      this.#timer = undefined
      await this.#start()
    }
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    await this.flush()
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      // A failed write is retried by the next change or flush.
      this.#start().catch(() => undefined)
    }, delayMs)
    this.#timer.unref()
  }

  #start(): Promise<void> {
    const covers = this.#version
    const writing = writeSnapshot(this.#file, this.#snapshot()).then(() => {
      this.#written = Math.max(this.#written, covers)
    })
    this.#writing = writing.finally(() => {
      this.#writing = undefined
      if (this.#written < this.#version && this.#timer === undefined) {
        this.#schedule(this.#delayMs)
      }
    })
    return this.#writing
  }
}

async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const temporary = `${file}.${process.pid}.tmp`
  const handle = await open(temporary, 'w', 0o600)
  try {
    await handle.write('{"version":1,"sessions":[')
    const { sessions } = snapshot
    for (let i = 0; i < sessions.length; i += SLICE) {
      const slice = sessions.slice(i, i + SLICE).map((entry) => JSON.stringify(entry))
      await handle.write((i === 0 ? '' : ',') + slice.join(','))
    }
    await handle.write(`],"revoked":${JSON.stringify(snapshot.revoked)}}`)
    await handle.sync()
  } catch (error) {
    await handle.close()
    await rm(temporary, { force: true })
    throw error
  }
  await handle.close()
  await rename(temporary, file)
}

/** The snapshot in a file, or undefined when there is none or it is not one of ours. */
export function readSnapshot(file: string): Snapshot | undefined {
  removeStaleTemporaries(file)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  return parseSnapshot(text)
}

function removeStaleTemporaries(file: string): void {
  const prefix = `${basename(file)}.`
  let names: string[]
  try {
    names = readdirSync(dirname(file))
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+\.tmp$/.test(name.slice(prefix.length))) continue
    const path = join(dirname(file), name)
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_TEMPORARY_MS) rmSync(path, { force: true })
    } catch {
      // Gone meanwhile: nothing to remove.
    }
  }
}

function parseSnapshot(text: string): Snapshot | undefined {
  const value = parseJsonObject(text)
  if (!value) return undefined
  const { version, sessions, revoked } = value
  if (version !== 1 || !Array.isArray(sessions) || !Array.isArray(revoked)) return undefined
  const pairs = revoked.filter(
    (pair): pair is [string, number] =>
      Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'number',
  )
  return { sessions: sessions.filter(isEntry), revoked: pairs }
}

function isEntry(value: unknown): value is SessionEntry {
  if (typeof value !== 'object' || value === null) return false
  // Sound: each field is narrowed before use.
  const { session, handle, refresh, used } = value as Record<string, unknown>
  if (typeof handle !== 'string' || typeof refresh !== 'string' || !Array.isArray(used)) {
    return false
  }
  return isStoredSession(session)
}

/** Whether a value read back from a file or from Redis is a stored session. */
export function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false
  // Sound: as above.
  const { sessionId, expiresAt, user, fingerprint, anonymous } = value as Record<string, unknown>
  return (
    typeof sessionId === 'string' &&
    typeof expiresAt === 'number' &&
    isUser(user) &&
    (fingerprint === undefined || typeof fingerprint === 'string') &&
    (anonymous === undefined || typeof anonymous === 'boolean')
  )
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
