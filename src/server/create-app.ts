import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify'
import fp from 'fastify-plugin'
import pino, { type DestinationStream } from 'pino'
import { DefaultAuthConfig } from '../auth/auth-config.ts'
import { createTokenService, generateSecret } from '../auth/tokens.ts'
import { builderState } from '../config/state.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { createAuthHook, authRoutes } from './auth.ts'
import { clientErrorHandler, frameworkErrorHandler } from './client-errors.ts'
import { handleError, handleNotFound } from './errors.ts'
import { guardJsonDepth } from './json-body.ts'
import { checkingInterval, resolveLimits, type ServerLimits } from './limits.ts'
import { registerMiddleware } from './middleware.ts'
import { createHandler } from './pipeline.ts'
import { checkDuplicates, configurationResolver, planRoute, type RoutePlan } from './plan.ts'
import {
  corsFromEnv,
  headerSets,
  registerCors,
  securityHooks,
  type CorsOptions,
  type SecurityHeaderOptions,
} from './security.ts'

/** How the server is run, as opposed to what the app is. */
export interface AppOptions {
  /** `false` for silence; else a pino level (default `DARA_LOG_LEVEL` or `info`) and a destination (default stdout). */
  readonly logger?: false | { readonly level?: string; readonly stream?: DestinationStream }
  /** The token signing secret; default `DARA_JWT_SECRET`, else a random one for this process. */
  readonly secret?: string
  /** What a request and a client may cost: body and header size, timeouts, connections. See {@link ServerLimits}. */
  readonly limits?: ServerLimits
  /** Origins allowed to call the API from a browser; default `DARA_CORS_ORIGINS`, else none (CORS off). */
  readonly cors?: CorsOptions
  /** The security headers of UI pages (API answers always get theirs). */
  readonly securityHeaders?: SecurityHeaderOptions
}

/**
 * Fastify's request logging is off, and with it the one line it writes when a
 * streamed body fails after its headers went out: the app's fault, logged here.
 */
class QuietLogController extends LogController {
  override streamError(error: Error, request: FastifyRequest): void {
    if ('code' in error && error.code === 'ERR_STREAM_PREMATURE_CLOSE') {
      request.log.info({ url: request.url }, 'The client closed the connection during a stream')
      return
    }
    request.log.error(
      { err: error, url: request.url },
      'A streamed response failed after its first bytes',
    )
  }
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
  const limits = resolveLimits(options.limits)
  const headers = headerSets(options.securityHeaders ?? {})
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    http: {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeout,
      connectionsCheckingInterval: checkingInterval(limits),
      // securityHooks refuses a request without Host with the usual body; Node's own refusal has none.
      requireHostHeader: false,
    },
    routerOptions: { maxParamLength: limits.maxParamLength },
    clientErrorHandler: clientErrorHandler(limits),
    frameworkErrors: frameworkErrorHandler(limits, headers),
    // securityHooks answers requests that arrive while closing, with the usual body.
    return503OnClosing: false,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new QuietLogController({ disableRequestLogging: true }),
  })
  for (const warning of state.warnings) app.log.warn(warning)
  if (givenSecret === undefined) {
    app.log.warn(
      'DARA_JWT_SECRET is not set: tokens are signed with a random secret and end with this process',
    )
  }

  app.server.maxConnections = limits.maxConnections
  let closing = false
  securityHooks(app, headers, () => closing)
  registerCors(app, options.cors ?? corsFromEnv())
  guardJsonDepth(app, limits.maxJsonDepth)
  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    )
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
    closing = true
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
          handler: createHandler(plan, limits.handlerTimeout),
        })
      }
      done()
    }),
  )
  return Object.assign(app, { routePlans: plans })
}
