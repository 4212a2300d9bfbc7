import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import pino, { type DestinationStream } from 'pino'
import { DefaultAuthConfig } from '../auth/auth-config.ts'
import { createTokenService, generateSecret } from '../auth/tokens.ts'
import { builderState } from '../config/state.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { createAuthHook, authRoutes } from './auth.ts'
import { handleError, handleNotFound } from './errors.ts'
import { buildSerializer } from './lazy-serializer.ts'
import { registerMiddleware } from './middleware.ts'
import { createHandler } from './pipeline.ts'
import { checkDuplicates, configurationResolver, planRoute, type RoutePlan } from './plan.ts'

/** How the server is run, as opposed to what the app is. */
export interface AppOptions {
  /** `false` for silence; else a pino level (default `DARA_LOG_LEVEL` or `info`) and a destination (default stdout). */
  readonly logger?: false | { readonly level?: string; readonly stream?: DestinationStream }
  /** The token signing secret; default `DARA_JWT_SECRET`, else a random one for this process. */
  readonly secret?: string
}

/** The Fastify instance of an app, with the route table dara-ts mounted. */
export type DaraApp = FastifyInstance & { readonly routePlans: readonly RoutePlan[] }

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
  const state = builderState(config)
  const auth = state.auth ?? new DefaultAuthConfig()
  const givenSecret = options.secret ?? process.env['DARA_JWT_SECRET']
  const tokens = createTokenService({
    secret: givenSecret ?? generateSecret(),
    ttlSeconds: auth.tokenTtlSeconds,
  })

  const configurations = configurationResolver(state.configurations)
  const plans = [
    ...authRoutes(auth, tokens).map((route) => planRoute(route, configurations, true)),
    ...[...state.routes.keys()].map((route) => planRoute(route, configurations)),
  ]
  checkDuplicates(plans)

  const logger: FastifyBaseLogger =
    options.logger === false
      ? pino({ level: 'silent' })
      : pino(
          { level: options.logger?.level ?? process.env['DARA_LOG_LEVEL'] ?? 'info' },
          options.logger?.stream,
        )
  const app = Fastify({
    loggerInstance: logger,
    schemaController: { compilersFactory: { buildSerializer } },
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  })
  for (const warning of state.warnings) app.log.warn(warning)
  if (givenSecret === undefined) {
    app.log.warn(
      'DARA_JWT_SECRET is not set: tokens are signed with a random secret and end with this process',
    )
  }

  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
  // One line per request, at info; in production at debug, so that the default
  // level leaves it out: the line costs about a quarter of a small request's time.
  // A callback hook, not an async one: no promise per request.
  const requestLevel = process.env['NODE_ENV'] === 'production' ? 'debug' : 'info'
  app.addHook('onResponse', function logRequest(request, reply, done) {
    request.log[requestLevel](
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    )
    done()
  })

  const stops: (() => unknown)[] = []
  app.addHook('onReady', async () => {
    for (const start of state.startup) {
      const stop = await start()
      if (typeof stop === 'function')
        stops.push(() => Reflect.apply(stop, undefined, []) as unknown)
    }
  })
  app.addHook('preClose', function drain(done) {
    // Node closes the connections that are idle when the server closes, not those
    // that go idle after their last response: a keep-alive client of a request in
    // flight would hold the close open until its timeout. Close them as they idle.
    const timer = setInterval(() => app.server.closeIdleConnections(), 50).unref()
    app.server.once('close', () => clearInterval(timer))
    done()
  })
  app.addHook('onClose', async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop()
      } catch (err) {
        app.log.error({ err }, 'A shutdown function failed')
      }
    }
  })

  for (const middleware of state.middlewares) registerMiddleware(app, middleware)

  const authenticate = createAuthHook(tokens)
  void app.register(
    fp((instance, _options, done) => {
      for (const plan of plans) {
        instance.route({
          method: plan.route.method,
          url: plan.path,
          ...(plan.route.authenticated ? { onRequest: authenticate } : {}),
          handler: createHandler(plan),
        })
      }
      done()
    }),
  )
  return Object.assign(app, { routePlans: plans })
}
