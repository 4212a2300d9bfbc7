import type { Client } from './create-client.ts'
import type { RouteCollection, RouteIndex, inferRoutes } from './types.ts'

/**
 * What the React side of an app's own component receives (the default export
 * of the module its `static ui` names): the props the server sent, and a
 * typed client bound to the browser's session (the session cookie goes with
 * every call, a lapsed anonymous session is renewed once) for the component's
 * own `requiredRoutes`. `Routes` is their collection, `Props` the props' shape.
 *
 * @example
 * ```tsx
 * import type { UiProps } from 'dara-ts/client'
 * import type { rows } from './rows-route.ts'
 *
 * export default function RowList({ props, client }: UiProps<[typeof rows], { title: string }>) {
 *   // client.get('/rows', { query: { offset: 0, limit: 10 } }) is typed by the route
 *   return <h2>{props.title}</h2>
 * }
 * ```
 * @see docs/pages-and-components.md, "A component's own React side"
 */
export interface UiProps<
  Routes extends RouteCollection = readonly [],
  Props = Readonly<Record<string, unknown>>,
> {
  /** The component's props, as the server sent them for this page load. */
  readonly props: Props
  /** Calls the app's endpoints with the page's session; paths and bodies typed by `Routes`. */
  readonly client: Client<RouteIndex<inferRoutes<Routes>>>
  /** The component's id in the page, stable across loads. */
  readonly id: string
}
