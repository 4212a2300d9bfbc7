import type { LoginLimit } from '../auth/auth-config.ts'
import { MemorySessionStore } from '../auth/memory-session-store.ts'
import { isUploadRoute, uploadRegistryOf } from '../components/upload-registry.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { builderState, type RouteOrigin } from '../config/state.ts'
import { authConfigOf } from './auth-setup.ts'
import { createApp, type DaraApp } from './create-app.ts'
import { docsEnabled } from './docs.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { methodName, wsSpecOf } from '../http/ws.ts'
import type { Binding, RoutePlan } from './plan.ts'

/** One mounted route, as `dara routes` prints it and a committed manifest holds it. */
export interface ManifestRoute {
  readonly method: string
  readonly path: string
  /** Whether a caller needs a session. */
  readonly authenticated: boolean
  /** Groups one of which the caller must be in; empty for any signed-in user. */
  readonly groups: readonly string[]
  /** Scopes one of which a script's scoped token must carry; empty: no scoped token may call it. */
  readonly scopes: readonly string[]
  /**
   * The limits the app's code sets on this route: `file` (the largest file an
   * upload takes), `login` (failed logins before delays and 429), `messages` (a
   * websocket's own message rate). The limits every route
   * shares (body size, timeouts) are the deployment's, set by `createApp`'s
   * `limits` or DARA_* variables, and are not part of the manifest.
   */
  readonly limits: Readonly<Record<string, string>>
  /** Configuration classes injected into the handler or its dependencies, by name. */
  readonly configurations: readonly string[]
  /** The route's dependencies, by name, in the order they run. */
  readonly dependencies: readonly string[]
  /** Who mounted it: `explicit` (addEndpoint), `component <Name>`, or `framework`. */
  readonly origin: string
}

function originOf(origin: RouteOrigin | undefined): string {
  if (origin === undefined) return 'framework'
  switch (origin.kind) {
    case 'explicit':
      return 'explicit'
    case 'component':
      return `component ${origin.component}`
  }
}

function configurationNames(bindings: readonly Binding[], into: Set<string>): void {
  for (const { source } of bindings) {
    if (source.kind === 'value') into.add(source.value.constructor.name)
  }
}

/** What the limits of a route are worked out from: the app's code, never the environment. */
interface LimitSources {
  /** The largest file the upload route takes, over every dropzone; 0 without a dropzone. */
  readonly largestFile: number
  readonly login: LoginLimit
}

/** A size exactly: in MiB or KiB when it is a whole number of them, else in bytes. */
function exactSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

function limitsOf(plan: RoutePlan, sources: LimitSources): Record<string, string> {
  const limits: Record<string, string> = {}
  if (isUploadRoute(plan.route) && sources.largestFile > 0)
    limits['file'] = exactSize(sources.largestFile)
  const rate = wsSpecOf(plan.route)?.options.messageRate
  if (rate !== undefined) limits['messages'] = `${rate} a second`
  if (plan.route.method === 'POST' && plan.path === '/api/auth/session') {
    const { perUserAddress, perUser, perAddress, delaySeconds, maxDelaySeconds } = sources.login
    limits['login'] =
      `${perUserAddress} failures per user and address, ${perUser} per user, ${perAddress} per address; delays ${delaySeconds}-${maxDelaySeconds} s`
  }
  return limits
}

/** The manifest entry of one planned route. */
export function describeRoute(
  plan: RoutePlan,
  origin: RouteOrigin | undefined,
  sources: LimitSources,
): ManifestRoute {
  const configurations = new Set<string>()
  for (const step of plan.steps) configurationNames(step.bindings, configurations)
  configurationNames(plan.bindings, configurations)
  return {
    method: methodName(plan.route),
    path: plan.path,
    authenticated: plan.route.authenticated,
    groups: [...(plan.route.options.groups ?? [])],
    scopes: [...(plan.route.options.scopes ?? [])],
    limits: limitsOf(plan, sources),
    configurations: [...configurations].sort(),
    dependencies: plan.steps.map((step) => step.dependency.name),
    origin: originOf(origin),
  }
}

/**
 * Where each route of an app came from: a route added with addEndpoint is
 * explicit; one that only a component needs names the first registered
 * component that requires it; the rest (auth, metrics, pages) are the framework's.
 */
function originResolver(
  config: ConfigurationBuilder,
): (route: AnyApiRoute) => RouteOrigin | undefined {
  const state = builderState(config)
  return (route) => {
    const explicit = state.routes.get(route)
    if (explicit) return explicit
    for (const component of state.components) {
      if (component.requiredRoutes.includes(route)) {
        return { kind: 'component', component: component.name }
      }
    }
    return undefined
  }
}

/** The OpenAPI document and docs page, mounted beside the planned routes when docs are on. */
function docsRoutes(config: ConfigurationBuilder): ManifestRoute[] {
  const { docs } = builderState(config)
  if (!docsEnabled(docs)) return []
  return ['/api/openapi.json', '/api/docs', '/api/docs/init.js', '/api/docs/:asset'].map(
    (path) => ({
      method: 'GET',
      path,
      authenticated: docs.authenticated === true,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    }),
  )
}

/** The manifest of an app built from `config`, sorted by path and method. */
export function describeApp(config: ConfigurationBuilder, app: DaraApp): ManifestRoute[] {
  const originOf = originResolver(config)
  const sources: LimitSources = {
    largestFile: Math.max(0, ...[...uploadRegistryOf(app).values()].map((spec) => spec.maxSize)),
    login: authConfigOf(builderState(config)).loginLimit,
  }
  return [
    ...app.routePlans.map((plan) => describeRoute(plan, originOf(plan.route), sources)),
    ...docsRoutes(config),
  ].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
}

/**
 * Every route an app mounts, the framework's own included, sorted by path and
 * method. The app is planned as `createApp` plans it (so every start-time
 * error is thrown here too) but never listens.
 *
 * @example
 * ```ts
 * import { routeManifest } from 'dara-ts/testing'
 * import { config } from './main.ts'
 *
 * for (const route of await routeManifest(config)) console.log(route.method, route.path)
 * ```
 */
export async function routeManifest(config: ConfigurationBuilder): Promise<ManifestRoute[]> {
  // A fixed secret and a store of its own: the manifest never signs a token nor
  // reaches the app's session store (a Redis of DARA_REDIS_URL, say).
  const app = createApp(config, {
    logger: false,
    secret: 'route-manifest'.padEnd(32, '-'),
    sessionStore: new MemorySessionStore(),
  })
  try {
    return describeApp(config, app)
  } finally {
    await app.close()
  }
}
