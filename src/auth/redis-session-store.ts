import { createRequire } from 'node:module'
import type * as IORedis from 'ioredis'
import type { Redis } from 'ioredis'
import { digest } from './digest.ts'
import { parseJsonObject } from './json-object.ts'
import { CREATE, RELEASE, RESERVE, REVOKE_USER, ROTATE } from './redis-scripts.ts'
import { isStoredSession } from './session-file.ts'
import type {
  AttemptCounter,
  AttemptRule,
  Reservation,
  RotateResult,
  SessionKeys,
  SessionStore,
  StoredSession,
} from './session-store.ts'

export interface RedisSessionStoreOptions {
  /** `redis://[:password@]host:port[/db]`; default `DARA_REDIS_URL`. */
  readonly url?: string
  /** Prefix of every key and of the pub/sub channel (default `dara:`), to share one Redis between apps. */
  readonly prefix?: string
}

/**
 * ioredis, loaded by the first store made rather than by every app: an app on
 * the memory store never pays for it (about 10 MiB and 100 ms at start).
 */
const requireModule = createRequire(import.meta.url)
function redisClass(): typeof Redis {
  // ioredis is CommonJS: require() hands over its exports synchronously, as the
  // constructor needs them; the type is the one `import type` names.
  return (requireModule('ioredis') as typeof IORedis).Redis
}

/**
 * Sessions (by id and by cookie handle) kept in this process, so that a
 * request is answered without Redis once its session has been seen.
 */
const CACHE_SIZE = 10_000

/**
 * Sessions in Redis, shared by every process of an app (through ioredis).
 *
 * Revocations are kept in a sorted set and pushed to every process by
 * pub/sub; each process holds them in memory, so a request is checked against
 * them without a round trip, and a logout on one process is refused on every
 * other at once. A session is looked up in Redis the first time a process
 * sees it, then kept in memory. Whenever either connection is down, or the
 * revocations have not been reloaded since it came back, the store says it is
 * unavailable and authenticated requests fail closed with 503; it recovers by
 * itself, and forgets the sessions it kept, so a Redis that came back empty
 * logs everyone out rather than letting revoked tokens in again. Run Redis
 * with persistence (AOF or RDB) and `maxmemory-policy noeviction`.
 *
 * @example
 * ```ts
 * import { ConfigurationBuilder } from 'dara-ts'
 * import { RedisSessionStore } from 'dara-ts/auth'
 *
 * const config = new ConfigurationBuilder()
 * config.setSessionStore(new RedisSessionStore({ url: 'redis://127.0.0.1:6379' }))
 * ```
 */
export class RedisSessionStore implements SessionStore {
  readonly #commands: Redis
  readonly #subscriber: Redis
  readonly #prefix: string
  readonly #channel: string
  readonly #revoked = new Map<string, number>()
  readonly #sessions = new Map<string, StoredSession>()
  readonly #handles = new Map<string, string>()
  #synced = false
  #syncing = false
  #lastError = 'not connected yet'
  #closed = false

  constructor(options: RedisSessionStoreOptions = {}) {
    const url = options.url ?? process.env['DARA_REDIS_URL']
    if (!url) throw new TypeError('RedisSessionStore: pass { url } or set DARA_REDIS_URL')
    this.#prefix = options.prefix ?? 'dara:'
    this.#channel = `${this.#prefix}revoked`
    const common = {
      // Fail at once rather than queue while disconnected: a request waits for nothing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // Back within half a second of Redis: recovery is the store's own job.
      retryStrategy: (times: number) => Math.min(50 * times, 500),
    }
    const Client = redisClass()
    this.#commands = new Client(url, common)
    this.#subscriber = new Client(url, { ...common, autoResubscribe: true })
    for (const connection of [this.#commands, this.#subscriber]) {
      // Whether this connection was up: a connection that never was keeps its
      // connect error (ECONNREFUSED, say) as the reason, the most useful one.
      let up = false
      connection.on('error', (error: Error) => {
        this.#lastError = error.message.slice(0, 120)
      })
      connection.on('close', () => {
        this.#synced = false
        if (!this.#closed && up) this.#lastError = 'connection to Redis lost'
        up = false
      })
      connection.on('ready', () => {
        up = true
        void this.#sync()
      })
    }
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#applyRevocation(message)
    })
  }

  get available(): boolean {
    return this.#synced && this.#commands.status === 'ready' && this.#subscriber.status === 'ready'
  }

  get unavailableReason(): string {
    return `Redis: ${this.#lastError}`
  }

  isRevoked(sessionId: string): boolean {
    return this.#revoked.has(sessionId)
  }

  async create(session: StoredSession, keys: SessionKeys, now: number): Promise<void> {
    const ttl = Math.max(1, session.expiresAt - now)
    await this.#commands.eval(
      CREATE,
      3,
      this.#key('session', session.sessionId),
      this.#key('handle', keys.handle),
      session.anonymous ? '' : this.#userKey(session.user.identityId),
      JSON.stringify(session),
      keys.refresh,
      String(session.expiresAt),
      String(ttl),
      session.sessionId,
    )
    this.#remember(session)
  }

  findSession(sessionId: string): StoredSession | undefined | Promise<StoredSession | undefined> {
    return this.#sessions.get(sessionId) ?? this.#fetchSession(sessionId)
  }

  findByHandle(
    handle: string,
    now: number,
  ): StoredSession | undefined | Promise<StoredSession | undefined> {
    const id = this.#handles.get(handle)
    const cached = id === undefined ? undefined : this.#sessions.get(id)
    if (cached && cached.expiresAt > now) return cached
    return this.#fetchHandle(handle)
  }

  async #fetchHandle(handle: string): Promise<StoredSession | undefined> {
    const id = await this.#commands.get(this.#key('handle', handle))
    const session = id === null ? undefined : await this.#fetchSession(id)
    if (!session) return undefined
    if (this.#handles.size >= CACHE_SIZE) {
      this.#handles.delete(this.#handles.keys().next().value ?? '')
    }
    this.#handles.set(handle, session.sessionId)
    return session
  }

  async #fetchSession(sessionId: string): Promise<StoredSession | undefined> {
    const raw = await this.#commands.hget(this.#key('session', sessionId), 'session')
    const session = raw === null ? undefined : parseSession(raw)
    if (session) this.#remember(session)
    return session
  }

  #remember(session: StoredSession): void {
    if (this.#sessions.size >= CACHE_SIZE) {
      this.#sessions.delete(this.#sessions.keys().next().value ?? '')
    }
    this.#sessions.set(session.sessionId, session)
  }

  async rotate(
    sessionId: string,
    presented: string,
    next: string,
    now: number,
  ): Promise<RotateResult> {
    const reply: unknown = await this.#commands.eval(
      ROTATE,
      2,
      this.#key('session', sessionId),
      this.#key('revoked'),
      presented,
      next,
      String(now),
      sessionId,
      this.#channel,
    )
    const parts: unknown[] = Array.isArray(reply) ? reply.map((part: unknown) => part) : []
    const [kind, raw] = parts
    switch (kind) {
      case 'rotated': {
        const session = typeof raw === 'string' ? parseSession(raw) : undefined
        return session ? { kind: 'rotated', session } : { kind: 'unknown' }
      }
      case 'reused':
        // Refused here at once; the message through Redis says the same.
        this.#applyRevocation(`${sessionId} ${String(raw)}`)
        return { kind: 'reused' }
      case 'revoked':
      case 'expired':
        return { kind }
      default:
        return { kind: 'unknown' }
    }
  }

  async revoke(sessionId: string, until: number, now: number): Promise<void> {
    // Refused here at once, before the message comes back through Redis.
    this.#revoked.set(sessionId, Math.max(until, this.#revoked.get(sessionId) ?? 0))
    await this.#commands
      .multi()
      .zadd(this.#key('revoked'), until, sessionId)
      .zremrangebyscore(this.#key('revoked'), '-inf', now)
      .publish(this.#channel, `${sessionId} ${until}`)
      .exec()
      .then(failedStep)
    for (const [id, end] of this.#revoked) if (end <= now) this.#revoked.delete(id)
  }

  async revokeUser(identityId: string, now: number): Promise<number> {
    const reply: unknown = await this.#commands.eval(
      REVOKE_USER,
      2,
      this.#userKey(identityId),
      this.#key('revoked'),
      String(now),
      this.#channel,
      this.#key('session', ''),
    )
    const parts = Array.isArray(reply) ? reply.map(String) : []
    // Refused here at once; the messages through Redis say the same.
    for (let i = 0; i + 1 < parts.length; i += 2)
      this.#applyRevocation(`${parts[i]} ${parts[i + 1]}`)
    return parts.length / 2
  }

  async reserveAttempt(
    counters: readonly AttemptCounter[],
    rule: AttemptRule,
    now: number,
  ): Promise<Reservation> {
    const reply: unknown = await this.#commands.eval(
      RESERVE,
      counters.length,
      ...counters.map((counter) => this.#key(counter.key)),
      String(now),
      String(rule.windowMs),
      String(rule.delayMs),
      String(rule.maxDelayMs),
      ...counters.map((counter) => String(counter.free)),
    )
    const [index, wait] = Array.isArray(reply) ? reply.map(Number) : [0, 0]
    return index ? { ok: false, counter: (index ?? 1) - 1, retryMs: wait ?? 0 } : { ok: true }
  }

  async releaseAttempt(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return
    await this.#commands.eval(RELEASE, keys.length, ...keys.map((key) => this.#key(key)))
  }

  async clearAttempts(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return
    await this.#commands.del(...keys.map((key) => this.#key(key)))
  }

  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.available && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return this.available
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#synced = false
    await Promise.all([quit(this.#commands), quit(this.#subscriber)])
  }

  #key(...parts: string[]): string {
    return `${this.#prefix}${parts.join(':')}`
  }

  #userKey(identityId: string): string {
    return this.#key('user', digest(identityId))
  }

  /** Subscribes, then reloads every revocation: nothing published meanwhile is missed. */
  #sync(): void {
    if (this.#syncing || this.#closed) return
    if (this.#commands.status !== 'ready' || this.#subscriber.status !== 'ready') return
    this.#syncing = true
    void this.#load().finally(() => {
      this.#syncing = false
      // A connection that dropped and came back during the load needs another one.
      if (!this.#synced) setTimeout(() => this.#sync(), 100).unref()
    })
  }

  async #load(): Promise<void> {
    // Whatever Redis holds now is the truth: it may have come back without
    // the sessions this process kept (restarted empty), and then they are gone.
    this.#sessions.clear()
    this.#handles.clear()
    try {
      await this.#subscriber.subscribe(this.#channel)
      const rows = await this.#commands.zrangebyscore(
        this.#key('revoked'),
        Date.now(),
        '+inf',
        'WITHSCORES',
      )
      for (let i = 0; i + 1 < rows.length; i += 2) {
        this.#applyRevocation(`${rows[i]} ${rows[i + 1]}`)
      }
      this.#synced = this.#commands.status === 'ready' && this.#subscriber.status === 'ready'
    } catch (error) {
      this.#lastError = error instanceof Error ? error.message.slice(0, 120) : 'sync failed'
    }
  }

  #applyRevocation(message: string): void {
    const [id, until] = message.split(' ')
    if (!id) return
    const end = Number(until)
    this.#revoked.set(id, Math.max(Number.isFinite(end) ? end : 0, this.#revoked.get(id) ?? 0))
  }
}

function parseSession(raw: string): StoredSession | undefined {
  const value = parseJsonObject(raw)
  if (!value || !isStoredSession(value)) return undefined
  return Object.freeze({ ...value, user: Object.freeze(value.user) })
}

/** Closes a connection politely when it is up, at once when it is not. */
async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    try {
      await connection.quit()
      return
    } catch {
      // Lost meanwhile: disconnect below.
    }
  }
  connection.disconnect()
}

/** The replies of a MULTI or pipeline, or the first error among them, thrown. */
function failedStep(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('Redis transaction aborted')
  return results.map(([error, value]) => {
    if (error) throw error
    return value
  })
}
