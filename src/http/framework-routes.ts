import type { AnyApiRoute } from './api-route.ts'

const framework = new WeakSet<AnyApiRoute>()

/**
 * Marks a route as dara-ts's own, so that it may mount under `/api/core/`,
 * which is refused to app routes. Internal: not exported to users.
 */
export function frameworkRoute<R extends AnyApiRoute>(route: R): R {
  framework.add(route)
  return route
}

export function isFrameworkRoute(route: AnyApiRoute): boolean {
  return framework.has(route)
}
