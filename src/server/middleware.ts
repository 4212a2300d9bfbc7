import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { DaraError } from '../errors.ts'
import { MIDDLEWARE_HOOKS, type Middleware, type MiddlewareHooks } from '../config/state.ts'

/**
 * A plugin is registered without encapsulation, so its hooks reach every
 * route; an object of hooks is added hook by hook.
 */
export function registerMiddleware(app: FastifyInstance, middleware: Middleware): void {
  if (typeof middleware === 'function') {
    void app.register(fp(middleware))
    return
  }
  if (typeof middleware !== 'object' || middleware === null) {
    throw new DaraError(
      'DARA_ERR_MIDDLEWARE_INVALID',
      middleware === null ? 'null' : typeof middleware,
    )
  }
  const unknown = Object.keys(middleware).filter((key) => !MIDDLEWARE_HOOKS.includes(key))
  if (unknown.length)
    throw new DaraError('DARA_ERR_MIDDLEWARE_INVALID', `an object with ${unknown.join(', ')}`)
  addHooks(app, middleware)
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
