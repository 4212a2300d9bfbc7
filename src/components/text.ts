import { ComponentInstance, type PropValue } from '../definitions/component-instance.ts'

/**
 * A title. `text` may be a function, called each time the page loads.
 *
 * @example
 * ```ts
 * import { Heading } from 'dara-ts/components'
 *
 * const title = new Heading('Monthly report', { level: 2 })
 * ```
 */
export class Heading extends ComponentInstance {
  constructor(text: PropValue, props: { readonly level?: 1 | 2 | 3 | 4 } = {}) {
    super({ text, level: props.level ?? 1 })
  }
}

/**
 * A paragraph of text. `text` may be a function (sync or async), called each
 * time the page loads, inside the request: `USER.get()` works there.
 *
 * @example
 * ```ts
 * import { readdir } from 'node:fs/promises'
 * import { Text } from 'dara-ts/components'
 *
 * const count = new Text(async () => `${(await readdir('uploads')).length} files saved`)
 * ```
 */
export class Text extends ComponentInstance {
  constructor(text: PropValue) {
    super({ text })
  }
}
