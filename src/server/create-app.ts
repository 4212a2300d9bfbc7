import multipart from '@fastify/multipart'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import pino, { type DestinationStream } from 'pino'
import { DefaultAuthConfig } from '../auth/auth-config.ts'
import { createTokenService, generateSecret } from '../auth/tokens.ts'
import { builderState } from '../config/state.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { createAuthHook, authRoutes } from './auth.ts'
import { handleError, handleNotFound } from './errors.ts'
import { registerMiddleware } from './middleware.ts'
import { createHandler } from './pipeline.ts'
import { UPLOAD_REGISTRY } from '../components/upload-registry.ts'
import { upload } from '../components/upload-route.ts'
import type { ComponentClass } from '../definitions/component-instance.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { pageRoutes, scanPages } from './pages.ts'
import { checkDuplicates, configurationResolver, planRoute, type RoutePlan } from './plan.ts'
import { DEFAULT_UI_DIR, loadUi, mountUi } from './ui.ts'

/** How the server is run, as opposed to what the app is. */
export interface AppOptions {
  /** `false` for silence; else a pino level (default `DARA_LOG_LEVEL` or `info`) and a destination (default stdout). */
  readonly logger?: false | { readonly level?: string; readonly stream?: DestinationStream }
  /** The token signing secret; default `DARA_JWT_SECRET`, else a random one for this process. */
  readonly secret?: string
  /** Where the built UI is (default: the package's `dist/ui`); read only when the app has pages. */
  readonly uiDir?: string
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

  // Import discovery: the components used in pages join those registered or
  // exported, and each brings its requiredRoutes, mounted once however many name them.
  const ui = state.pages.length > 0 ? loadUi(options.uiDir ?? DEFAULT_UI_DIR) : undefined
  const scan = ui ? scanPages(state.pages, ui.rendered) : undefined
  const components = new Set<ComponentClass>([...state.components, ...(scan?.classes ?? [])])
  const routes = new Set<AnyApiRoute>(state.routes.keys())
  for (const component of components)
    for (const route of component.requiredRoutes) routes.add(route)

  const configurations = configurationResolver(state.configurations)
  const plans = [
    ...authRoutes(auth, tokens).map((route) => planRoute(route, configurations, true)),
    ...(ui ? pageRoutes(state.pages, auth) : []).map((route) => planRoute(route, configurations)),
    ...[...routes].map((route) => planRoute(route, configurations)),
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
  const mount = (instance: FastifyInstance, plan: RoutePlan): void => {
    instance.route({
      method: plan.route.method,
      url: plan.path,
      ...(plan.route.authenticated ? { onRequest: authenticate } : {}),
      handler: createHandler(plan),
    })
  }
  void app.register(
    fp((instance, _options, done) => {
      for (const plan of plans) if (plan.route !== upload) mount(instance, plan)
      done()
    }),
  )
  const uploadPlan = plans.find((plan) => plan.route === upload)
  if (uploadPlan) {
    // Multipart parsing is registered for the upload route alone: other routes
    // keep answering 415 to a multipart body.
    app.decorate(UPLOAD_REGISTRY, scan?.uploads ?? new Map<string, never>())
    void app.register(async (instance) => {
      await instance.register(multipart)
      mount(instance, uploadPlan)
    })
  }
  if (ui)
    mountUi(
      app,
      ui,
      state.pages.map((page) => page.path),
    )
  return Object.assign(app, { routePlans: plans })
}
