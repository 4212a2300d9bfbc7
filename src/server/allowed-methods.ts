import type { FastifyInstance } from 'fastify'
import { DaraError } from '../errors.ts'
import type { RoutePlan } from './plan.ts'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * Answers the methods a known path does not serve, so that a client learns what
 * it may call there: 405 with `Allow` (before the body is read, and before auth:
 * the path's existence is no secret its other methods do not already tell), and,
 * when CORS is off, OPTIONS with 204 and `Allow`. With CORS on, @fastify/cors
 * answers OPTIONS as preflights, as before. HEAD comes with every GET from Fastify.
 */
export function registerAllowedMethods(
  app: FastifyInstance,
  plans: readonly RoutePlan[],
  corsOn: boolean,
): void {
  // One entry per path shape: `/items/:id` and `/items/:key` are the same path.
  const paths = new Map<string, { path: string; methods: Set<string> }>()
  for (const plan of plans) {
    const shape = plan.shape.slice(plan.shape.indexOf(' ') + 1)
    const entry = paths.get(shape) ?? { path: plan.path, methods: new Set<string>() }
    entry.methods.add(plan.route.method)
    if (plan.route.method === 'GET') entry.methods.add('HEAD')
    paths.set(shape, entry)
  }
  for (const { path, methods } of paths.values()) {
    if (!corsOn) methods.add('OPTIONS')
    const allow = METHODS.filter((m) => methods.has(m)).join(', ')
    if (!corsOn) {
      app.route({
        method: 'OPTIONS',
        url: path,
        handler: (_request, reply) => reply.code(204).header('allow', allow).send(),
      })
    }
    const others = METHODS.filter((m) => !methods.has(m) && (m !== 'OPTIONS' || !corsOn))
    if (others.length === 0) continue
    app.route({
      method: others,
      url: path,
      onRequest(request, _reply, done) {
        const path = request.url.split('?', 1)[0] ?? ''
        const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path
        done(
          new DaraError('DARA_ERR_METHOD_NOT_ALLOWED', request.method, shown, allow).withHeaders({
            allow,
          }),
        )
      },
      // Never reached: the onRequest hook above answers every call.
      handler: (_request, reply) => reply.code(405).send(),
    })
  }
}
