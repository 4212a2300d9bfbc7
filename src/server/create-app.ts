import type { TracerProvider } from '@opentelemetry/api'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify'
import fp from 'fastify-plugin'
import pino, { type DestinationStream } from 'pino'
import type { SessionStore } from '../auth/session-store.ts'
import type { Clock } from '../auth/tokens.ts'
import { builderState } from '../config/state.ts'
import { DaraError } from '../errors.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { registerAllowedMethods } from './allowed-methods.ts'
import { authRoutes, CLEARS_COOKIE, createAuthHook, createIdentify } from './auth.ts'
import { setUpAuth, type AppSessions } from './auth-setup.ts'
import { clientErrorHandler, frameworkErrorHandler, type OwnTimeSockets } from './client-errors.ts'
import { docsEnabled, registerDocs } from './docs.ts'
import { handleError, handleNotFound } from './errors.ts'
import { healthRoutes, PROBE_PATHS, type Phase } from './health.ts'
import { registerFormBody } from './form-body.ts'
import { planFiles } from './file-fields.ts'
import { registerFileRoutes, type FileRoute } from './file-routes.ts'
import { guardJsonDepth } from './json-body.ts'
import { checkingInterval, parseWhole, resolveLimits, type ServerLimits } from './limits.ts'
import { lingerAfterAnswer } from './linger.ts'
import { addMetrics } from './metrics.ts'
import { buildSerializer } from './lazy-serializer.ts'
import { registerMiddleware } from './middleware.ts'
import { BackgroundTasks } from './background.ts'
import { createHandler } from './pipeline.ts'
import { fastifySchema } from './response-schema.ts'
import {
  isUploadRoute,
  UPLOAD_REGISTRY,
  UPLOAD_TIMING,
  type UploadTiming,
} from '../components/upload-registry.ts'
import type { ComponentClass } from '../definitions/component-instance.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { pageRoutes, scanPages } from './pages.ts'
import { queryRedaction, safeQueryKeysFromEnv, type QueryRedaction } from './query-redaction.ts'
import { checkDuplicates, configurationResolver, planRoute, type RoutePlan } from './plan.ts'
import {
  corsFromEnv,
  headerSets,
  registerCors,
  securityHooks,
  type CorsOptions,
  type SecurityHeaderOptions,
} from './security.ts'
import { addTracing, tracingFromEnv } from './tracing.ts'
import { resolveTrustProxy, warnOnTrustAll, type TrustProxy } from './trust-proxy.ts'
import { trustedOrigins } from './trusted-origins.ts'
import { DEFAULT_UI_DIR, loadUi, mountUi } from './ui.ts'

/** How the server is run, as opposed to what the app is. */
export interface AppOptions {
  /** `false` for silence; else a pino level (default `DARA_LOG_LEVEL` or `info`) and a destination (default stdout). */
  readonly logger?: false | { readonly level?: string; readonly stream?: DestinationStream }
  /**
   * The token signing secret; default `DARA_JWT_SECRET`. Without either, production
   * (`NODE_ENV=production`) refuses to start, and development keeps a generated one
   * in `secretFile`.
   */
  readonly secret?: string
  /**
   * A span per request: `true` with the global OpenTelemetry tracer provider, or
   * the provider to use; default `true` when OTEL_* variables name an exporter.
   */
  readonly tracing?: boolean | TracerProvider
  /** Where the built UI is (default: the package's `dist/ui`); read only when the app has pages. */
  readonly uiDir?: string
  /** Where development keeps its generated secret (default `.dara/secret`). */
  readonly secretFile?: string
  /** Where sessions live; wins over `config.setSessionStore()` and `DARA_REDIS_URL`. */
  readonly sessionStore?: SessionStore
  /**
   * With the default memory store, a file that keeps sessions across restarts;
   * default `DARA_SESSION_FILE`. Without one, a restart logs everyone out.
   */
  readonly sessionFile?: string
  /** Milliseconds since the epoch, for tokens and sessions; tests pass their own. */
  readonly clock?: Clock
  /**
   * Trust `X-Forwarded-*` from the proxies in front (Fastify's `trustProxy`): the
   * client address for login limits, and https for the cookie and HSTS. The
   * number of proxies (`1` for one) or their addresses and CIDRs; `true` trusts
   * every hop, so the client's own X-Forwarded-For entry wins (a warning at start
   * on a non-loopback address). Default `DARA_TRUST_PROXY`, same forms.
   */
  readonly trustProxy?: TrustProxy
  /**
   * Origins (`https://app.example`) besides the app's own whose cookie requests
   * pass the CSRF check; default `DARA_TRUSTED_ORIGINS` (comma-separated). The
   * `cors` origins allowed with credentials pass too.
   */
  readonly trustedOrigins?: readonly string[]
  /** What a request and a client may cost: body and header size, timeouts, connections. See {@link ServerLimits}. */
  readonly limits?: ServerLimits
  /** Origins allowed to call the API from a browser; default `DARA_CORS_ORIGINS`, else none (CORS off). */
  readonly cors?: CorsOptions
  /** The security headers of UI pages (API answers always get theirs). */
  readonly securityHeaders?: SecurityHeaderOptions
  /**
   * Query keys whose values the request log and spans may show (`page`, `sort`);
   * every other value is written `[REDACTED]`. Default `DARA_SAFE_QUERY_KEYS`
   * (comma-separated), else none.
   */
  readonly safeQueryKeys?: readonly string[]
  /**
   * Milliseconds that `close()` keeps serving with `/api/core/ready` at 503
   * before it stops listening, so that a load balancer's health check sees the
   * process leave before its connections are refused. Default
   * `DARA_SHUTDOWN_DELAY_MS`, else 0; behind a balancer, at least its checks'
   * `fall × inter`. See docs/deploy.md.
   */
  readonly shutdownDelay?: number
}

/**
 * Fastify's request logging is off, and with it the one line it writes when a
 * streamed body fails after its headers went out: the app's fault, logged here.
 */
class QuietLogController extends LogController {
  readonly #redaction: QueryRedaction
  constructor(redaction: QueryRedaction) {
    super({ disableRequestLogging: true })
    this.#redaction = redaction
  }
  override streamError(error: Error, request: FastifyRequest): void {
    const url = this.#redaction.url(request.url)
    if ('code' in error && error.code === 'ERR_STREAM_PREMATURE_CLOSE') {
      request.log.info({ url }, 'The client closed the connection during a stream')
      return
    }
    request.log.error({ err: error, url }, 'A streamed response failed after its first bytes')
  }
}

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
  const state = builderState(config)
  const auth = setUpAuth(state, options)

  // Import discovery: the components used in pages join those registered or
  // exported, and each brings its requiredRoutes, mounted once however many name them.
  const ui = state.pages.length > 0 ? loadUi(options.uiDir ?? DEFAULT_UI_DIR) : undefined
  const scan = ui ? scanPages(state.pages, ui.rendered) : undefined
  const components = new Set<ComponentClass>([...state.components, ...(scan?.classes ?? [])])
  const routes = new Set<AnyApiRoute>(state.routes.keys())
  for (const component of components)
    for (const route of component.requiredRoutes) routes.add(route)

  const cors = options.cors ?? corsFromEnv()
  const authOptions = trustedOrigins(options.trustedOrigins, cors)
  const configurations = configurationResolver(state.configurations, state.dependencyOverrides)
  let phase: Phase = 'serving'
  const plans = [
    ...authRoutes(auth.sessions, authOptions).map((route) =>
      planRoute(route, configurations, true),
    ),
    ...healthRoutes(auth.sessions.store, () => phase).map((route) =>
      planRoute(route, configurations),
    ),
    ...(ui ? pageRoutes(state.pages, state.auth) : []).map((route) =>
      planRoute(route, configurations),
    ),
    ...[...routes].map((route) => planRoute(route, configurations)),
  ]

  const logger: FastifyBaseLogger =
    options.logger === false
      ? pino({ level: 'silent' })
      : pino(
          { level: options.logger?.level ?? process.env['DARA_LOG_LEVEL'] ?? 'info' },
          options.logger?.stream,
        )
  const limits = resolveLimits(options.limits)
  const trust = resolveTrustProxy(options.trustProxy)
  const shutdownDelay = shutdownDelayOf(options.shutdownDelay)
  const headers = headerSets(options.securityHeaders ?? {})
  const redaction = queryRedaction(options.safeQueryKeys ?? safeQueryKeysFromEnv())
  const ownTime: OwnTimeSockets = new WeakSet()
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
    clientErrorHandler: clientErrorHandler(limits, ownTime),
    frameworkErrors: frameworkErrorHandler(limits, headers),
    // securityHooks answers requests that arrive while closing, with the usual body.
    return503OnClosing: false,
    schemaController: { compilersFactory: { buildSerializer } },
    ...(trust === undefined ? {} : { trustProxy: trust }),
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new QuietLogController(redaction),
  })
  for (const warning of state.warnings) app.log.warn(warning)
  warnOnTrustAll(app, trust)
  if (auth.secretSource === 'generated' || auth.secretSource === 'file') {
    app.log.warn(
      'DARA_JWT_SECRET is not set: tokens are signed with a development secret kept in %s; set DARA_JWT_SECRET in production',
      options.secretFile ?? '.dara/secret',
    )
  }

  // First of the onResponse hooks, so that it runs in the same turn as Node's
  // own end of the response, before a `Connection: close` answer closes the socket.
  app.addHook('onResponse', function linger(request, _reply, done) {
    if (!request.raw.complete) lingerAfterAnswer(request.raw)
    done()
  })
  app.server.maxConnections = limits.maxConnections
  securityHooks(app, headers, () => phase === 'closing')
  registerCors(app, cors)
  guardJsonDepth(app, limits.maxJsonDepth)
  registerFormBody(app)
  // Observability first, so its hooks see every request, the refused ones too.
  if (state.metrics) plans.unshift(planRoute(addMetrics(app, state.metrics), configurations, true))
  const tracing = options.tracing ?? tracingFromEnv()
  if (tracing !== false) addTracing(app, redaction, tracing === true ? undefined : tracing)
  checkDuplicates(plans)
  const fileRoutes = plans.flatMap((plan): FileRoute[] => {
    const files = planFiles(plan.route)
    return files ? [{ plan, files }] : []
  })

  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
  // One line per request, at info; in production at debug, so that the default
  // level leaves it out: the line costs about a quarter of a small request's time.
  // A callback hook, not an async one: no promise per request.
  const requestLevel = process.env['NODE_ENV'] === 'production' ? 'debug' : 'info'
  app.addHook('onResponse', function logRequest(request, reply, done) {
    request.log[PROBE_PATHS.has(request.url) ? 'debug' : requestLevel](
      {
        method: request.method,
        url: redaction.url(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    )
    done()
  })

  const stops: (() => unknown)[] = []
  app.addHook('onReady', async () => {
    // Serve once the store can vouch for revocations; if it cannot yet (Redis
    // down), start anyway: sessions answer 503 until it is back.
    if (!(await auth.sessions.store.ready(5000))) {
      app.log.warn('Session store unavailable at start (%s)', auth.sessions.store.unavailableReason)
    }
    for (const start of state.startup) {
      const stop = await start()
      if (typeof stop === 'function')
        stops.push(() => Reflect.apply(stop, undefined, []) as unknown)
    }
  })
  app.addHook('preClose', async function drain() {
    // Readiness turns 503 first while everything else is still served: the
    // balancer's health check takes the process out before it stops listening.
    phase = 'draining'
    if (shutdownDelay > 0) {
      app.log.info({ shutdownDelay }, 'Not ready: serving on until the load balancer has noticed')
      await new Promise((resolve) => setTimeout(resolve, shutdownDelay))
    }
    phase = 'closing'
    // Node closes the connections that are idle when the server closes, not those
    // that go idle after their last response: a keep-alive client of a request in
    // flight would hold the close open until its timeout. Close them as they idle.
    const timer = setInterval(() => app.server.closeIdleConnections(), 50).unref()
    app.server.once('close', () => clearInterval(timer))
  })
  app.addHook('onClose', async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop()
      } catch (err) {
        app.log.error({ err }, 'A shutdown function failed')
      }
    }
    await auth.owned?.close()
  })
  // Registered after the hook above, so it runs before it: tasks may still need
  // what the shutdown functions stop. The server is closed by then, so no new task comes.
  const background = new BackgroundTasks()
  app.addHook('onClose', () => background.settled())

  for (const middleware of state.middlewares) registerMiddleware(app, middleware)

  const identify = createIdentify(auth.sessions, authOptions)
  const mount = (instance: FastifyInstance, plan: RoutePlan): void => {
    const { groups, scopes } = plan.route.options
    instance.route({
      method: plan.route.method,
      url: plan.path,
      ...(plan.route.authenticated
        ? {
            onRequest: createAuthHook(
              identify,
              { path: plan.path, groups, scopes },
              CLEARS_COOKIE.has(plan.path),
            ),
          }
        : {}),
      ...fastifySchema(plan.response),
      // An upload keeps its own time (UploadGuard): the handler timeout starts once its file is in.
      handler: createHandler(
        plan,
        background,
        isUploadRoute(plan.route) ? 0 : limits.handlerTimeout,
      ),
    })
  }
  void app.register(
    fp((instance, _options, done) => {
      for (const plan of plans)
        if (!isUploadRoute(plan.route) && plan.route.options.files === undefined)
          mount(instance, plan)
      registerAllowedMethods(instance, plans, (cors?.origins.length ?? 0) > 0)
      if (docsEnabled(state.docs)) {
        registerDocs(instance, plans, state.docs, (path) => createAuthHook(identify, { path }))
      }
      done()
    }),
  )
  const timing: UploadTiming = {
    minRate: limits.uploadMinRate,
    rateWindow: limits.uploadRateWindow,
    timeout: limits.uploadTimeout,
    handlerTimeout: limits.handlerTimeout,
    ownTime(socket) {
      ownTime.add(socket)
      return () => ownTime.delete(socket)
    },
  }
  // Routes with `files` parse multipart for themselves, as the upload route does.
  registerFileRoutes(app, fileRoutes, timing, limits.bodyLimit, mount)
  const uploadPlan = plans.find((plan) => isUploadRoute(plan.route))
  if (uploadPlan) {
    // Multipart parsing is registered for the upload route alone: other routes
    // keep answering 415 to a multipart body.
    app.decorate(UPLOAD_REGISTRY, scan?.uploads ?? new Map<string, never>())
    app.decorate(UPLOAD_TIMING, timing)
    void app.register(async (instance) => {
      // Multipart is the one body the route parses; any other (JSON and text
      // included) reaches it unread, whatever its size or syntax, and is answered
      // with DARA_ERR_UPLOAD_NOT_MULTIPART (how to send a file) and read away.
      instance.removeAllContentTypeParsers()
      instance.addContentTypeParser('*', (_request, _payload, done) => done(null))
      // Loaded only for an app with the upload route.
      await instance.register(import('@fastify/multipart'))
      mount(instance, uploadPlan)
    })
  }
  if (ui)
    mountUi(
      app,
      ui,
      state.pages.map((page) => page.path),
    )
  return Object.assign(app, { routePlans: plans, sessions: auth.app })
}

/** The shutdown delay from the option, else DARA_SHUTDOWN_DELAY_MS, else 0. */
function shutdownDelayOf(given: number | undefined): number {
  if (given !== undefined) {
    if (Number.isSafeInteger(given) && given >= 0) return given
    throw new DaraError(
      'DARA_ERR_SERVER_OPTION_INVALID',
      'shutdownDelay',
      'a whole number from 0',
      given,
    )
  }
  const raw = process.env['DARA_SHUTDOWN_DELAY_MS']
  return raw === undefined || raw === '' ? 0 : parseWhole('DARA_SHUTDOWN_DELAY_MS', raw, 0)
}
