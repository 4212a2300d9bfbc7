import type { FastifyReply, FastifyRequest } from 'fastify'
import { identityStorage, type Identity } from '../auth/identity.ts'

/**
 * The work handlers hand to `ctx.background()` in one app: each task starts
 * once its answer is sent, its error is logged with the route, and the app's
 * close waits for every task still running.
 */
export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>()

  /** Runs `fn` after `reply` is sent (or its client went away), as `identity`. */
  schedule(
    fn: () => unknown,
    request: FastifyRequest,
    reply: FastifyReply,
    identity: Identity | undefined,
    route: string,
  ): void {
    if (typeof fn !== 'function') throw new TypeError('background(fn): pass a function')
    const task = new Promise<void>((resolve) => {
      const start = (): void => {
        const run = async (): Promise<void> => {
          try {
            await fn()
          } catch (err) {
            request.log.error({ err, route }, 'A background task failed')
          }
        }
        void (identity ? identityStorage.run(identity, run) : run()).then(resolve)
      }
      // 'close' fires once the response is written, or when the client goes away.
      if (reply.raw.closed) setImmediate(start)
      else reply.raw.once('close', start)
    })
    this.#running.add(task)
    void task.then(() => this.#running.delete(task))
  }

  /** Resolves once no task is left, those started by tasks included. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running)
  }
}
