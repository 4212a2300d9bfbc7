import { ComponentInstance, type PropValue } from '../definitions/component-instance.ts'
import type { Action } from './actions.ts'

/**
 * A button that runs an action when clicked: go to a page, or load the
 * current page again.
 *
 * @example
 * ```ts
 * import { Button, navigate } from 'dara-ts/components'
 *
 * const next = new Button('Upload more', { onClick: navigate('upload') })
 * ```
 */
export class Button extends ComponentInstance {
  constructor(label: PropValue, props: { readonly onClick?: Action } = {}) {
    super({ label, onClick: props.onClick ?? null })
  }
}
