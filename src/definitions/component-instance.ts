import type { AnyApiRoute } from '../http/api-route.ts'

/**
 * A component of the app's UI. A component that needs endpoints to work lists
 * them in `static requiredRoutes`; the app mounts them whenever the component is
 * registered, so its users never add them by hand.
 *
 * @example
 * ```ts
 * import { post } from 'dara-ts/http'
 * import { ComponentInstance } from 'dara-ts/definitions'
 *
 * const vote = post('/poll/vote', () => ({ ok: true }))
 * export class Poll extends ComponentInstance {
 *   static override requiredRoutes = [vote]
 * }
 * ```
 */
export abstract class ComponentInstance {
  /** Endpoints this component needs; each is mounted once, however many components name it. */
  static requiredRoutes: readonly AnyApiRoute[] = []
}

/** A ComponentInstance subclass. */
export interface ComponentClass {
  readonly name: string
  readonly requiredRoutes: readonly AnyApiRoute[]
}

export function isComponentClass(value: unknown): value is ComponentClass {
  return typeof value === 'function' && value.prototype instanceof ComponentInstance
}
