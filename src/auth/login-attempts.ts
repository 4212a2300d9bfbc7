import type { AttemptCounter, AttemptRule, Reservation } from './session-store.ts'

/** Counters kept at most; past it expired ones are swept, then the oldest go. */
const MAX_COUNTERS = 100_000

/**
 * How long an attempt must wait after the last one, for a counter that has
 * seen `count` attempts and allows `free`: nothing until the free ones are
 * spent, then `delayMs`, doubling each time, at most `maxDelayMs`. The Redis
 * store's script computes the same.
 */
export function attemptDelay(count: number, free: number, rule: AttemptRule): number {
  if (count < free) return 0
  return Math.min(rule.maxDelayMs, rule.delayMs * 2 ** (count - free))
}

interface Count {
  count: number
  /** When the last attempt was reserved (epoch ms). */
  last: number
  /** When the counter is forgotten: a window after its last attempt. */
  forgetAt: number
}

/**
 * Login-attempt counters in memory. Reserving is synchronous, one turn of the
 * event loop: two requests of one process can never both see a counter below
 * its limit and both pass.
 */
export class AttemptCounters {
  readonly #counts = new Map<string, Count>()

  reserve(counters: readonly AttemptCounter[], rule: AttemptRule, now: number): Reservation {
    for (const [index, { key, free }] of counters.entries()) {
      const found = this.#live(key, now)
      if (!found) continue
      const retryMs = found.last + attemptDelay(found.count, free, rule) - now
      if (retryMs > 0) return { ok: false, counter: index, retryMs }
    }
    for (const { key } of counters) {
      const count = (this.#live(key, now)?.count ?? 0) + 1
      // Deleted first so that the Map's order stays that of the last attempt.
      this.#counts.delete(key)
      this.#counts.set(key, { count, last: now, forgetAt: now + rule.windowMs })
    }
    if (this.#counts.size > MAX_COUNTERS) this.#trim(now)
    return { ok: true }
  }

  release(keys: readonly string[]): void {
    for (const key of keys) {
      const found = this.#counts.get(key)
      if (found) found.count = Math.max(0, found.count - 1)
    }
  }

  clear(keys: readonly string[]): void {
    for (const key of keys) this.#counts.delete(key)
  }

  #live(key: string, now: number): Count | undefined {
    const found = this.#counts.get(key)
    if (found && found.forgetAt <= now) {
      this.#counts.delete(key)
      return undefined
    }
    return found
  }

  #trim(now: number): void {
    for (const [key, found] of this.#counts) if (found.forgetAt <= now) this.#counts.delete(key)
    for (const key of this.#counts.keys()) {
      if (this.#counts.size <= MAX_COUNTERS) break
      this.#counts.delete(key)
    }
  }
}
