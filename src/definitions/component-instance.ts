import type { AnyApiRoute } from '../http/api-route.ts'

/** A value the UI can receive as it is. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/**
 * A prop of a component: a JSON value, or a function called each time a page
 * is loaded, whose result is sent instead (it runs inside the request, so
 * `USER.get()` works there).
 */
export type PropValue = JsonValue | undefined | (() => JsonValue | Promise<JsonValue>)

/**
 * A component of the app's UI. A component that needs endpoints to work lists
 * them in `static requiredRoutes`; the app mounts them whenever the component is
 * registered, used in a page, or exported by the app's entry module, so its
 * users never add them by hand.
 *
 * An instance carries props and children, which the UI renders with the React
 * component of the same name as the class.
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

  /**
   * The component's own React module, for a component the built-in UI does not
   * know: `new URL('./chart.tsx', import.meta.url)`. Its default export renders
   * the component with `{ props, client, children }` ({@link UiProps} in
   * `dara-ts/client`). `dara start` builds it with Vite; `dara build` builds it
   * for production.
   * @see docs/pages-and-components.md, "A component's own React side"
   */
  static ui: URL | undefined = undefined

  /** What the UI receives, besides the children. */
  readonly props: Readonly<Record<string, PropValue>>
  readonly children: readonly ComponentInstance[]

  constructor(
    props: Readonly<Record<string, PropValue>> = {},
    children: readonly ComponentInstance[] = [],
  ) {
    for (const child of children) {
      if (!(child instanceof ComponentInstance)) {
        throw new TypeError(
          `${new.target.name}: every child must be a component instance, got ${typeof child}`,
        )
      }
    }
    this.props = Object.freeze({ ...props })
    this.children = Object.freeze([...children])
  }

  /** The name of the React component that renders it: the class's own name. */
  get type(): string {
    return this.constructor.name
  }
}

/** A ComponentInstance subclass. */
export interface ComponentClass {
  readonly name: string
  readonly requiredRoutes: readonly AnyApiRoute[]
  readonly ui?: URL | undefined
}

export function isComponentClass(value: unknown): value is ComponentClass {
  return typeof value === 'function' && value.prototype instanceof ComponentInstance
}
