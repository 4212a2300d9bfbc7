import { text, type ViewProps } from '../view.ts'

export function HeadingView({ node }: ViewProps) {
  const content = text(node.props['text'])
  const level = node.props['level']
  if (level === 2) return <h2 className="dara-heading">{content}</h2>
  if (level === 3) return <h3 className="dara-heading">{content}</h3>
  if (level === 4) return <h4 className="dara-heading">{content}</h4>
  return <h1 className="dara-heading">{content}</h1>
}
