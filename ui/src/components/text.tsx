import { text, type ViewProps } from '../view.ts'

export function TextView({ node }: ViewProps) {
  return <p className="dara-text">{text(node.props['text'])}</p>
}
