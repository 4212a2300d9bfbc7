import type { ComponentJson } from 'dara-ts/components'
import { REGISTRY } from './registry.tsx'
import { UserComponentView } from './user-components.tsx'
import type { PageContext } from './view.ts'

function isKnown(type: string): type is keyof typeof REGISTRY {
  return Object.hasOwn(REGISTRY, type)
}

/** Renders one component and, inside it, its children. */
export function Render({ node, page }: { node: ComponentJson; page: PageContext }) {
  // The server refuses a page whose components neither the UI nor the app's bundle can render.
  if (!isKnown(node.type)) return <UserComponentView node={node} page={page} children={null} />
  const View = REGISTRY[node.type]
  return (
    <View node={node} page={page}>
      {node.children.map((child) => (
        <Render key={child.id} node={child} page={page} />
      ))}
    </View>
  )
}
