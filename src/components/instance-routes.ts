import type { AnyApiRoute } from '../http/api-route.ts'

// Routes that belong to one component instance rather than its class: a
// Table's rows endpoint is the app's own, one per table. Kept here, beside the
// instance, so that placing the component in a page is enough to mount them.

const instanceRoutes = new WeakMap<object, readonly AnyApiRoute[]>()

/** Records the routes a component instance needs (done by its constructor). */
export function setInstanceRoutes(component: object, routes: readonly AnyApiRoute[]): void {
  instanceRoutes.set(component, routes)
}

/** The routes a component instance needs, besides its class's `requiredRoutes`. */
export function instanceRoutesOf(component: object): readonly AnyApiRoute[] {
  return instanceRoutes.get(component) ?? []
}
