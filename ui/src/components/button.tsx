import { action, text, type ViewProps } from '../view.ts'

export function ButtonView({ node, page }: ViewProps) {
  return (
    <button
      type="button"
      className="dara-button"
      onClick={() => page.run(action(node.props['onClick']))}
    >
      {text(node.props['label'])}
    </button>
  )
}
