import { text, type ViewProps } from '../view.ts'

export function CardView({ node, children }: ViewProps) {
  const title = text(node.props['title'])
  return (
    <section className="dara-card">
      {title && <h3 className="dara-card-title">{title}</h3>}
      {children}
    </section>
  )
}
