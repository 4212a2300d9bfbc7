import type { JsonValue } from '../definitions/component-instance.ts'

/** A component as the UI receives it. */
export interface ComponentJson {
  /** The React component that renders it. */
  readonly type: string
  /** Stable across restarts and processes: the page path and the position in the tree. */
  readonly id: string
  readonly props: { readonly [key: string]: JsonValue }
  readonly children: readonly ComponentJson[]
}

/** A page as `GET /api/core/pages/:path` answers it. */
export interface PageJson {
  readonly name: string
  readonly path: string
  readonly content: ComponentJson
}

/** The menu, as `GET /api/core/pages` answers it: pages in order, the first is home. */
export interface MenuJson {
  readonly pages: readonly { readonly name: string; readonly path: string }[]
}

/**
 * What the UI needs before it has a session, from `GET /api/core/config`:
 * `anonymous` gets a token from `POST /api/auth/session` with no body;
 * `login` shows the login form, which posts `{ username, password }` there.
 */
export interface UiConfigJson {
  /** The app's name (`config.setTitle()`). */
  readonly title: string
  /** `oidc`: the UI sends the browser to the identity provider (`GET /api/auth/oidc/login`). */
  readonly auth: 'anonymous' | 'login' | 'oidc'
  /** Whether the request came with a live session: without one the UI makes one or logs in first. */
  readonly session: boolean
  /** The url of the module that loads the app's own components (`static ui`), if it has any. */
  readonly components: string | null
}
