import type { ViewProps } from '../view.ts'

export function StackView({ node, children }: ViewProps) {
  const gap = typeof node.props['gap'] === 'number' ? node.props['gap'] : 12
  const row = node.props['direction'] === 'horizontal'
  return (
    <div className="dara-stack" style={{ flexDirection: row ? 'row' : 'column', gap }}>
      {children}
    </div>
  )
}
