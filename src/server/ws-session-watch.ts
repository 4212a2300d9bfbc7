import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { Sessions } from '../auth/sessions.ts'
import { DaraError } from '../errors.ts'

/** The close code of a socket whose session ended: 4000 + HTTP's 401, as for a refused request. */
const SESSION_ENDED = 4401

/**
 * Closes each open websocket with 4401 once its session is over: revoked
 * (logout, revoke-session, an admin's revoke, revokeUser), expired, forgotten
 * by the store, or its user changed in the auth config.
 *
 * Why a periodic check rather than a notification per revocation: the session
 * store already brings every revocation to every process (the Redis store
 * pushes them by pub/sub into each process's memory), so judging a socket's
 * session is the in-memory lookup an HTTP request costs. One timer per app
 * sweeps the open sockets every `interval` ms: the delay is bounded by one
 * interval, the cost by one lookup per socket per interval, and the sweep also
 * catches what no event announces (expiry, a user changed). A notification
 * channel of our own would add a subscription per process and still need a
 * timer for expiry. The timer runs only while an authenticated socket is open.
 */
export function sessionWatch(sessions: Sessions, interval: number, log: FastifyBaseLogger) {
  const open = new Map<WebSocket, string>()
  /** Sockets whose check waits on the store: one at a time each. */
  const pending = new Set<WebSocket>()
  let timer: NodeJS.Timeout | undefined

  const end = (socket: WebSocket, error: unknown): void => {
    if (error instanceof DaraError && error.status === 401) {
      open.delete(socket)
      socket.close(SESSION_ENDED, error.code)
      return
    }
    // The store failed to answer (Redis down): judged again at the next sweep.
    log.debug({ err: error }, 'A websocket session check could not be made')
  }

  const sweep = (): void => {
    for (const [socket, sessionId] of open) {
      if (pending.has(socket)) continue
      let outcome: void | Promise<void>
      try {
        outcome = sessions.recheck(sessionId)
      } catch (error) {
        end(socket, error)
        continue
      }
      if (outcome instanceof Promise) {
        pending.add(socket)
        outcome.then(
          () => pending.delete(socket),
          (error: unknown) => {
            pending.delete(socket)
            end(socket, error)
          },
        )
      }
    }
  }

  return {
    /** Watches the socket's session until the socket closes. */
    add(socket: WebSocket, sessionId: string): void {
      open.set(socket, sessionId)
      socket.once('close', () => {
        open.delete(socket)
        if (open.size === 0 && timer) {
          clearInterval(timer)
          timer = undefined
        }
      })
      if (!timer) {
        timer = setInterval(sweep, interval)
        timer.unref()
      }
    },
  }
}
