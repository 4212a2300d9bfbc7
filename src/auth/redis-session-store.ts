import { createRequire } from 'node:module'
import type * as IORedis from 'ioredis'
import type { Redis } from 'ioredis'
import { parseJsonObject } from './json-object.ts'
import { isUser } from './memory-session-store.ts'
import type {
  FailureCount,
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

/** Cookie handles whose session is kept in this process, to answer cookie requests without Redis. */
const HANDLE_CACHE = 10_000

/**
 * Swaps a refresh token atomically. KEYS: session hash, revoked set.
 * ARGV: presented digest, next digest, now, session id, channel.
 * A digest that was current once but is no more revokes the session.
 */
const ROTATE = `
if redis.call('ZSCORE', KEYS[2], ARGV[4]) then return {'revoked'} end
local fields = redis.call('HMGET', KEYS[1], 'session', 'refresh', 'used', 'exp')
if not fields[1] then return {'unknown'} end
if tonumber(fields[4]) <= tonumber(ARGV[3]) then return {'expired'} end
local used = fields[3] or ''
if fields[2] == ARGV[1] then
  used = used .. ARGV[1] .. ','
  if #used > 65 * 64 then used = string.sub(used, 66) end
  redis.call('HSET', KEYS[1], 'refresh', ARGV[2], 'used', used)
  return {'rotated', fields[1]}
end
if string.find(used, ARGV[1] .. ',', 1, true) then
  redis.call('ZADD', KEYS[2], fields[4], ARGV[4])
  redis.call('PUBLISH', ARGV[5], ARGV[4] .. ' ' .. fields[4])
  return {'reused', fields[4]}
end
return {'unknown'}
`

/**
 * Sessions in Redis, shared by every process of an app (through ioredis).
 *
 * Revocations are kept in a sorted set and pushed to every process by
 * pub/sub; each process holds them in memory, so a request is checked against
 * them without a round trip, and a logout on one process is refused on every
 * other at once. Whenever either connection is down, or the revocations have
 * not been reloaded since it came back, the store says it is unavailable and
 * authenticated requests fail closed with 503; it recovers by itself.
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
  readonly #handles = new Map<string, StoredSession>()
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
    const key = this.#key('session', session.sessionId)
    const ttl = Math.max(1, session.expiresAt - now)
    await this.#commands
      .multi()
      .hset(key, {
        session: JSON.stringify(session),
        refresh: keys.refresh,
        used: '',
        exp: String(session.expiresAt),
      })
      .pexpire(key, ttl)
      .set(this.#key('handle', keys.handle), session.sessionId, 'PX', ttl)
      .exec()
      .then(failedStep)
  }

  findByHandle(
    handle: string,
    now: number,
  ): StoredSession | undefined | Promise<StoredSession | undefined> {
    const cached = this.#handles.get(handle)
    if (cached && cached.expiresAt > now) return cached
    return this.#fetchHandle(handle)
  }

  async #fetchHandle(handle: string): Promise<StoredSession | undefined> {
    const id = await this.#commands.get(this.#key('handle', handle))
    const raw = id === null ? null : await this.#commands.hget(this.#key('session', id), 'session')
    const session = raw === null ? undefined : parseSession(raw)
    if (!session) return undefined
    if (this.#handles.size >= HANDLE_CACHE) {
      this.#handles.delete(this.#handles.keys().next().value ?? '')
    }
    this.#handles.set(handle, session)
    return session
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

  async failures(keys: readonly string[], now: number): Promise<FailureCount[]> {
    const pipeline = this.#commands.pipeline()
    for (const key of keys) pipeline.get(this.#key(key)).pttl(this.#key(key))
    const replies = failedStep(await pipeline.exec())
    return keys.map((_, i) => {
      const count = Number(replies[2 * i] ?? 0)
      const ttl = Number(replies[2 * i + 1] ?? -2)
      return count > 0 && ttl > 0 ? { count, resetAt: now + ttl } : { count: 0, resetAt: 0 }
    })
  }

  async recordFailure(keys: readonly string[], windowMs: number): Promise<void> {
    const multi = this.#commands.multi()
    // The window starts at the first failure: NX keeps an existing key's expiry.
    for (const key of keys) multi.set(this.#key(key), 0, 'PX', windowMs, 'NX').incr(this.#key(key))
    failedStep(await multi.exec())
  }

  async clearFailures(key: string): Promise<void> {
    await this.#commands.del(this.#key(key))
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
  if (!value) return undefined
  const { sessionId, user, expiresAt } = value
  if (typeof sessionId !== 'string' || typeof expiresAt !== 'number' || !isUser(user)) {
    return undefined
  }
  return Object.freeze({ sessionId, user: Object.freeze(user), expiresAt })
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
