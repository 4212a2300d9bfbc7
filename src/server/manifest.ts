import { MemorySessionStore } from '../auth/memory-session-store.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { builderState, type RouteOrigin } from '../config/state.ts'
import { createApp } from './create-app.ts'
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
  const origins = builderState(config).routes
  // A fixed secret and a store of its own: the manifest never signs a token nor
  // reaches the app's session store (a Redis of DARA_REDIS_URL, say).
  const app = createApp(config, {
    logger: false,
    secret: 'route-manifest'.padEnd(32, '-'),
    sessionStore: new MemorySessionStore(),
  })
  try {
    return app.routePlans
      .map((plan) => describeRoute(plan, origins.get(plan.route)))
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
  } finally {
    await app.close()
  }
}
