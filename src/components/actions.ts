/**
 * What the UI does after an event (a click, a successful upload): load the
 * current page again, so that its props are computed anew, or go to a page.
 */
export type Action =
  { readonly action: 'refresh' } | { readonly action: 'navigate'; readonly to: string }

/**
 * Loads the current page again: props given as functions are called again,
 * so a `Text` that counts files shows the new count.
 *
 * @example
 * ```ts
 * import { UploadDropzone, refresh } from 'dara-ts/components'
 *
 * new UploadDropzone({ onDrop: refresh() })
 * ```
 */
export function refresh(): Action {
  return { action: 'refresh' }
}

/**
 * Goes to a page of the app, by its path (`'results'` or `'/results'`).
 *
 * @example
 * ```ts
 * import { Button, navigate } from 'dara-ts/components'
 *
 * new Button('See the results', { onClick: navigate('results') })
 * ```
 */
export function navigate(to: string): Action {
  if (typeof to !== 'string') throw new TypeError('navigate(to): pass a page path')
  return { action: 'navigate', to: to.startsWith('/') ? to : `/${to}` }
}
