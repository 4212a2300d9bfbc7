import { DaraError } from '../errors.ts'

/** How many password checks run at once and wait, per auth config. */
export interface PasswordChecks {
  /** Checks that run at once (default 2): scrypt runs on libuv's pool of 4 threads. */
  readonly concurrent: number
  /** Checks that may wait for a turn (default 16); past them a login gets 503 with Retry-After. */
  readonly queued: number
}

export const DEFAULT_CHECKS: PasswordChecks = { concurrent: 2, queued: 16 }

/**
 * Lets a few password checks run at once and a few more wait, and turns the
 * rest away at once. Each scrypt costs tens of milliseconds of a thread of
 * libuv's small pool (shared with file and DNS work): without a bound, a burst
 * of wrong passwords queues there, and a right one waits behind all of it.
 * With it, a login waits at most for the checks ahead of it in a short queue.
 */
export class PasswordGate {
  readonly #limits: PasswordChecks
  readonly #waiting: (() => void)[] = []
  #running = 0

  constructor(limits: PasswordChecks) {
    this.#limits = limits
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limits.concurrent) {
      if (this.#waiting.length >= this.#limits.queued) {
        throw new DaraError('DARA_ERR_AUTH_BUSY').withHeaders({ 'retry-after': '1' })
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    } else {
      this.#running++
    }
    try {
      return await work()
    } finally {
      // The slot passes to the next in line as it is, or is given back.
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }
}
