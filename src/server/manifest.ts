import { MemorySessionStore } from '../auth/memory-session-store.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { builderState, type RouteOrigin } from '../config/state.ts'
import { createApp, type DaraApp } from './create-app.ts'
import { docsEnabled } from './docs.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import type { Binding, RoutePlan } from './plan.ts'

/** One mounted route, as `dara routes` prints it and a committed manifest holds it. */
export interface ManifestRoute {
  readonly method: string
  readonly path: string
  /** Whether a caller needs a session. */
  readonly authenticated: boolean
  /** Groups one of which the caller must be in; empty for any signed-in user. */
  readonly groups: readonly string[]
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

/** The manifest entry of one planned route. */
export function describeRoute(plan: RoutePlan, origin: RouteOrigin | undefined): ManifestRoute {
  const configurations = new Set<string>()
  for (const step of plan.steps) configurationNames(step.bindings, configurations)
  configurationNames(plan.bindings, configurations)
  return {
    method: plan.route.method,
    path: plan.path,
    authenticated: plan.route.authenticated,
    groups: [...(plan.route.options.groups ?? [])],
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
      configurations: [],
      dependencies: [],
      origin: 'framework',
    }),
  )
}

/** The manifest of an app built from `config`, sorted by path and method. */
export function describeApp(config: ConfigurationBuilder, app: DaraApp): ManifestRoute[] {
  const originOf = originResolver(config)
  return [
    ...app.routePlans.map((plan) => describeRoute(plan, originOf(plan.route))),
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
