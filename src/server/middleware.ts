import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AppPlan } from './app-plan.ts'
import { DaraError } from '../errors.ts'
import { MIDDLEWARE_HOOKS, type Middleware, type MiddlewareHooks } from '../config/state.ts'

/** Throws DARA_ERR_MIDDLEWARE_INVALID for what is neither a plugin nor an object of known hooks. */
export function checkMiddleware(middleware: Middleware): void {
  if (typeof middleware === 'function') return
  if (typeof middleware !== 'object' || middleware === null) {
    throw new DaraError(
      'DARA_ERR_MIDDLEWARE_INVALID',
      middleware === null ? 'null' : typeof middleware,
    )
  }
  const unknown = Object.keys(middleware).filter((key) => !MIDDLEWARE_HOOKS.includes(key))
  if (unknown.length)
    throw new DaraError('DARA_ERR_MIDDLEWARE_INVALID', `an object with ${unknown.join(', ')}`)
}

/**
 * A plugin is registered without encapsulation, so its hooks reach every
 * route; an object of hooks is added hook by hook. Checked at plan time
 * ({@link checkMiddleware}).
 */
function registerMiddleware(app: FastifyInstance, middleware: Middleware): void {
  if (typeof middleware === 'function') void app.register(fp(middleware))
  else addHooks(app, middleware)
}

function addHooks(app: FastifyInstance, hooks: MiddlewareHooks): void {
  if (hooks.onRequest) app.addHook('onRequest', hooks.onRequest)
  if (hooks.preParsing) app.addHook('preParsing', hooks.preParsing)
  if (hooks.preValidation) app.addHook('preValidation', hooks.preValidation)
  if (hooks.preHandler) app.addHook('preHandler', hooks.preHandler)
  if (hooks.preSerialization) app.addHook('preSerialization', hooks.preSerialization)
  if (hooks.onSend) app.addHook('onSend', hooks.onSend)
  if (hooks.onResponse) app.addHook('onResponse', hooks.onResponse)
  if (hooks.onError) app.addHook('onError', hooks.onError)
  if (hooks.onTimeout) app.addHook('onTimeout', hooks.onTimeout)
  if (hooks.onRequestAbort) app.addHook('onRequestAbort', hooks.onRequestAbort)
}

/** The app's own middlewares, in the order they were added. */
export function middleware(app: FastifyInstance, plan: AppPlan): void {
  for (const entry of plan.state.middlewares) registerMiddleware(app, entry)
}
