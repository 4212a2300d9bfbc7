import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { builderState } from '../config/state.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import type { AppOptions } from './app-options.ts'
import { planApp, type AppPlan } from './app-plan.ts'
import type { AppSessions } from './auth-setup.ts'
import { bodyParsers } from './body-parsers.ts'
import { errorAnswers } from './errors.ts'
import { fastifyOptions } from './fastify-options.ts'
import { lifecycle } from './lifecycle.ts'
import { middleware } from './middleware.ts'
import { singleSignOn } from './oidc.ts'
import { IDENTITY } from './pipeline.ts'
import type { RoutePlan } from './plan.ts'
import { requestLog } from './request-log.ts'
import { decorateUploads, fileRoutes, routes, uploads } from './routes.ts'
import { security } from './security.ts'
import { addTracing } from './tracing.ts'
import { pages } from './ui.ts'
import { warnAtStart } from './warnings.ts'
import { webSockets } from './websocket.ts'

export type { AppOptions } from './app-options.ts'

/** The Fastify instance of an app, with the route table dara-ts mounted. */
export type DaraApp = FastifyInstance & {
  readonly routePlans: readonly RoutePlan[]
  /** Mint a token for a user, revoke a session, reach the session store. */
  readonly sessions: AppSessions
}

/**
 * Turns a configuration into a Fastify instance: listen, inject and close as
 * with any Fastify app. Every mistake in the configuration is thrown here, at
 * start, not at the first request.
 *
 * @example
 * ```ts
 * import { ConfigurationBuilder, createApp } from 'dara-ts'
 * import { get } from 'dara-ts/http'
 *
 * const config = new ConfigurationBuilder()
 * config.addEndpoint(get('/ping', { authenticated: false }, () => 'pong'))
 * const app = createApp(config)
 * await app.listen({ port: 8000, host: '127.0.0.1' })
 * ```
 */
export function createApp(config: ConfigurationBuilder, options: AppOptions = {}): DaraApp {
  const plan = planApp(builderState(config), options)
  const app = Fastify(fastifyOptions(plan))
  app.server.maxConnections = plan.limits.maxConnections
  // Every request has the property from birth: setting it changes no object's shape.
  app.decorateRequest(IDENTITY, null)
  decorateUploads(app, plan)

  // Each feature is a plugin of the app's own context; in this order, so that
  // the hooks of each run before those of the features below it.
  const feature = (add: (app: FastifyInstance, plan: AppPlan) => void | Promise<void>): void =>
    void app.register(fp(async (instance) => add(instance, plan), { name: `dara-ts:${add.name}` }))
  feature(warnAtStart) // the configuration's warnings, a development secret, trusting every proxy
  feature(security) // the security headers, the closing 503, Host, lingering, CORS
  feature(bodyParsers) // JSON (depth-limited) and URL-encoded forms
  if (plan.metrics) feature(plan.metrics) // request counters and the /api/core/metrics route's data
  if (plan.tracing) feature(addTracing) // a span per request
  feature(errorAnswers) // `{ detail, code }` for every error and unknown path
  feature(requestLog) // one line per request, when the level writes it
  feature(lifecycle) // the store and startup functions at start; draining and shutdown at close
  feature(middleware) // the app's own Fastify hooks
  feature(webSockets) // ws() routes made websocket ones as they are added: before the routes
  feature(routes) // every route, the 405/OPTIONS answers, the docs
  feature(singleSignOn) // the OpenID Connect login, callback, refresh and logout
  feature(fileRoutes) // routes with `files`, each with multipart for itself
  feature(uploads) // the dropzones' upload route, with multipart for it alone
  feature(pages) // the built UI for the app's pages
  return Object.assign(app, { routePlans: plan.routes, sessions: plan.auth.app })
}
