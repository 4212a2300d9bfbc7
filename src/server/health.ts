import type { SessionStore } from '../auth/session-store.ts'
import { DaraError } from '../errors.ts'
import { frameworkRoute } from '../http/framework-routes.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { get } from '../http/methods.ts'

export const HEALTH_PATH = '/api/core/health'
export const READY_PATH = '/api/core/ready'
/** Probes come every few seconds from every balancer: their request lines go to debug, not info. */
export const PROBE_PATHS: ReadonlySet<string> = new Set([HEALTH_PATH, READY_PATH])

/** Where the app is in its life, as the readiness probe reports it. */
export type Phase = 'serving' | 'draining' | 'closing'

/**
 * The two probes of every app. Liveness answers whenever the process does, so
 * that only a hung process is restarted; readiness also needs the session
 * store, and turns 503 as soon as shutdown begins, so that a load balancer
 * stops sending before the server stops listening.
 */
export function healthRoutes(store: SessionStore, phase: () => Phase): AnyApiRoute[] {
  const health = get(
    '/core/health',
    {
      authenticated: false,
      summary: 'Liveness: the process answers',
      // Described, not declared as a response schema: that would load Fastify's
      // serializer compiler in every app, for a constant answer.
      description: 'Answers 200 `{ "status": "ok" }` whenever the process does.',
    },
    function health() {
      return { status: 'ok' as const }
    },
  )
  const ready = get(
    '/core/ready',
    {
      authenticated: false,
      summary: 'Readiness: the app serves and its session store answers',
      description:
        'Answers 200 `{ "status": "ready" }`, or 503 `{ "detail", "code": "DARA_ERR_NOT_READY" }` with the reason: the session store is unavailable, or the server is shutting down.',
    },
    function ready({ reply }) {
      const reason = notReady(store, phase())
      if (reason === undefined) return { status: 'ready' as const }
      // Answered here rather than thrown: a probe every second during an outage
      // must not write an error line every second.
      const error = new DaraError('DARA_ERR_NOT_READY', reason)
      void reply.code(503).header('cache-control', 'no-store')
      return { detail: error.detail, code: error.code }
    },
  )
  return [frameworkRoute(health), frameworkRoute(ready)]
}

function notReady(store: SessionStore, phase: Phase): string | undefined {
  if (phase !== 'serving') return 'the server is shutting down'
  if (!store.available) return `the session store is unavailable (${store.unavailableReason})`
  return undefined
}
