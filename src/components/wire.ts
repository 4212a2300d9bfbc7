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
  readonly title: string
  /** `oidc`: the UI sends the browser to the identity provider (`GET /api/auth/oidc/login`). */
  readonly auth: 'anonymous' | 'login' | 'oidc'
}
