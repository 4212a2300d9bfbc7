import { ComponentInstance, type PropValue } from '../definitions/component-instance.ts'

/** How a Stack lays out its children. */
export interface StackProps {
  /** `'vertical'` (default) or `'horizontal'`. */
  readonly direction?: 'vertical' | 'horizontal'
  /** Space between children, in pixels (default 12). */
  readonly gap?: number
}

/**
 * Lays its children out one after the other, in a column or a row.
 *
 * @example
 * ```ts
 * import { Heading, Stack, Text } from 'dara-ts/components'
 *
 * const page = new Stack([new Heading('Sales'), new Text('All figures in EUR')], { gap: 16 })
 * ```
 */
export class Stack extends ComponentInstance {
  constructor(children: readonly ComponentInstance[], props: StackProps = {}) {
    super({ direction: props.direction ?? 'vertical', gap: props.gap ?? 12 }, children)
  }
}

/** A Card's options. */
export interface CardProps {
  /** A title shown above the children; a function is called on each page load. */
  readonly title?: PropValue
}

/**
 * A framed box holding its children, with an optional title.
 *
 * @example
 * ```ts
 * import { Card, Text } from 'dara-ts/components'
 *
 * const card = new Card([new Text('3 files saved')], { title: 'Uploads' })
 * ```
 */
export class Card extends ComponentInstance {
  constructor(children: readonly ComponentInstance[], props: CardProps = {}) {
    super({ title: props.title }, children)
  }
}
