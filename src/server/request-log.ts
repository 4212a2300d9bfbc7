import type { FastifyInstance } from 'fastify'
import type { AppPlan } from './app-plan.ts'
import { PROBE_PATHS } from './health.ts'

/**
 * One line per request, at info; in production at debug, so that the default
 * level leaves it out (the line costs about a quarter of a small request's
 * time); the health probes' at debug. The hook is there only when the level at
 * start writes the line: a level the logger leaves out costs no hook at all. A
 * callback hook, not an async one: no promise per request.
 */
export function requestLog(app: FastifyInstance, plan: AppPlan): void {
  const { logger, redaction } = plan
  const level = process.env['NODE_ENV'] === 'production' ? 'debug' : 'info'
  if (!logger.isLevelEnabled(level)) return
  app.addHook('onResponse', function logRequest(request, reply, done) {
    const lineLevel = PROBE_PATHS.has(request.url) ? 'debug' : level
    if (logger.isLevelEnabled(lineLevel)) {
      request.log[lineLevel](
        {
          method: request.method,
          url: redaction.url(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      )
    }
    done()
  })
}
