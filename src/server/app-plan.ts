import type { TracerProvider } from '@opentelemetry/api'
import type { FastifyInstance } from 'fastify'
import pino, { type Logger } from 'pino'
import type { BuilderState } from '../config/state.ts'
import type { ComponentClass } from '../definitions/component-instance.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { authRoutes, createIdentify } from './auth.ts'
import { BackgroundTasks } from './background.ts'
import type { AuthHookOptions } from './auth.ts'
import { setUpAuth, type AuthSetup } from './auth-setup.ts'
import type { OwnTimeSockets } from './client-errors.ts'
import type { AppOptions } from './app-options.ts'
import { planFiles } from './file-fields.ts'
import type { FileRoute } from './file-routes.ts'
import { healthRoutes, type Phase } from './health.ts'
import { resolveLimits, type ResolvedLimits } from './limits.ts'
import { createMetrics } from './metrics.ts'
import { checkMiddleware } from './middleware.ts'
import { pageRoutes, scanPages, type PageScan } from './pages.ts'
import { checkDuplicates, configurationResolver, planRoute, type RoutePlan } from './plan.ts'
import { queryRedaction, safeQueryKeysFromEnv, type QueryRedaction } from './query-redaction.ts'
import {
  checkCors,
  corsFromEnv,
  headerSets,
  type CorsOptions,
  type HeaderSets,
} from './security.ts'
import { shutdownDelayOf } from './shutdown-delay.ts'
import { tracingFromEnv } from './tracing.ts'
import { resolveTrustProxy, type ResolvedTrust } from './trust-proxy.ts'
import { trustedOrigins } from './trusted-origins.ts'
import { loadAppUi, type AppUi } from './app-ui.ts'

/** Where the app is in its life; the readiness probe and the closing answer read it. */
export interface Lifecycle {
  phase: Phase
}

/**
 * Everything an app is, worked out once from its configuration and options
 * before Fastify is made: every mistake is thrown here, at start. The features
 * that createApp registers read it; none works anything out per request that
 * is already known here.
 */
export interface AppPlan {
  readonly state: BuilderState
  readonly options: AppOptions
  readonly auth: AuthSetup
  readonly authOptions: AuthHookOptions
  /** Every route, the framework's own first, in the order they are mounted. */
  readonly routes: readonly RoutePlan[]
  /** The routes with `files`: each parses multipart for itself. */
  readonly fileRoutes: readonly FileRoute[]
  /** The built UI and what the pages use of it, when the app has pages. */
  readonly ui: { readonly built: AppUi; readonly scan: PageScan } | undefined
  readonly logger: Logger
  readonly limits: ResolvedLimits
  readonly trust: ResolvedTrust | undefined
  readonly shutdownDelay: number
  readonly headers: HeaderSets
  readonly redaction: QueryRedaction
  readonly cors: CorsOptions | undefined
  /** The metrics hooks, when the app serves metrics; their route is among `routes`. */
  readonly metrics: ((app: FastifyInstance) => void) | undefined
  /** false, or the tracer provider (undefined: the global one). */
  readonly tracing: false | { readonly provider: TracerProvider | undefined }
  /** Sockets whose time an upload keeps itself (the client-error handler leaves them be). */
  readonly ownTime: OwnTimeSockets
  readonly lifecycle: Lifecycle
  /** The work handlers left for after their answers; close waits for it. */
  readonly background: BackgroundTasks
}

export function planApp(state: BuilderState, options: AppOptions): AppPlan {
  const auth = setUpAuth(state, options)

  // Import discovery: the components used in pages join those registered or
  // exported, and each brings its requiredRoutes, mounted once however many name them.
  const built = state.pages.length > 0 ? loadAppUi(state, options) : undefined
  const ui = built ? { built, scan: scanPages(state.pages, built.rendered) } : undefined
  const components = new Set<ComponentClass>([...state.components, ...(ui?.scan.classes ?? [])])
  const own = new Set<AnyApiRoute>(state.routes.keys())
  for (const component of components) for (const route of component.requiredRoutes) own.add(route)
  // The routes of the instances themselves: a Table's rows endpoint, one per table.
  for (const route of ui?.scan.routes ?? []) own.add(route)

  for (const middleware of state.middlewares) checkMiddleware(middleware)
  const cors = checkCors(options.cors ?? corsFromEnv())
  const authOptions = trustedOrigins(options.trustedOrigins, cors)
  const configurations = configurationResolver(state.configurations, state.dependencyOverrides)
  const lifecycle: Lifecycle = { phase: 'serving' }
  const metrics = state.metrics ? createMetrics(state.metrics) : undefined
  const routes = [
    ...(metrics ? [planRoute(metrics.route, configurations, true)] : []),
    ...authRoutes(auth.sessions, authOptions).map((route) =>
      planRoute(route, configurations, true),
    ),
    ...healthRoutes(auth.sessions.store, () => lifecycle.phase).map((route) =>
      planRoute(route, configurations),
    ),
    ...(ui
      ? pageRoutes(state.pages, state.auth, ui.built, createIdentify(auth.sessions, authOptions))
      : []
    ).map((route) => planRoute(route, configurations)),
    ...[...own].map((route) => planRoute(route, configurations)),
  ]
  checkDuplicates(routes)
  const fileRoutes = routes.flatMap((route): FileRoute[] => {
    const files = planFiles(route.route)
    return files ? [{ plan: route, files }] : []
  })

  const tracing = options.tracing ?? tracingFromEnv()
  return {
    state,
    options,
    auth,
    authOptions,
    routes,
    fileRoutes,
    ui,
    logger:
      options.logger === false
        ? pino({ level: 'silent' })
        : pino(
            { level: options.logger?.level ?? process.env['DARA_LOG_LEVEL'] ?? 'info' },
            options.logger?.stream,
          ),
    limits: resolveLimits(options.limits),
    trust: resolveTrustProxy(options.trustProxy),
    shutdownDelay: shutdownDelayOf(options.shutdownDelay),
    headers: headerSets(options.securityHeaders ?? {}),
    redaction: queryRedaction(options.safeQueryKeys ?? safeQueryKeysFromEnv()),
    cors,
    metrics: metrics?.plugin,
    tracing: tracing === false ? false : { provider: tracing === true ? undefined : tracing },
    ownTime: new WeakSet(),
    lifecycle,
    background: new BackgroundTasks(),
  }
}
