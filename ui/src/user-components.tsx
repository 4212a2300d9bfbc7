// The app's own components (`static ui`): their React modules come from the
// bundle `dara start` or `dara build` made, through the registry module whose
// url /api/core/config gives. Each is loaded the first time a page shows it.
import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react'
import { createClient, type UiProps } from 'dara-ts/client'
import { sessionFetch } from './api.ts'
import { uiConfig } from './session.ts'
import './shared.ts'
import type { ViewProps } from './view.ts'

type Loader = () => Promise<{ readonly default?: unknown }>

interface Registry {
  readonly components: Readonly<Record<string, Loader>>
}

let registry: Promise<Registry> | undefined

async function loadRegistry(): Promise<Registry> {
  const { components } = await uiConfig()
  if (components === null)
    throw new Error("The React side of this component is not built: see the server's log")
  // Sound: the registry is the module build-components.ts generates, of this shape.
  registry ??= import(/* @vite-ignore */ components) as Promise<Registry>
  return registry
}

const views = new Map<string, ComponentType<UiProps>>()

function viewOf(type: string): ComponentType<UiProps> {
  let view = views.get(type)
  if (view === undefined) {
    view = lazy(async () => {
      const load = (await loadRegistry()).components[type]
      if (load === undefined) throw new Error(`Unknown component ${type}`)
      const module = await load()
      if (typeof module.default !== 'function')
        throw new Error(`The React module of ${type} has no default export that is a component`)
      // Sound: a function as a module's default export is the component, as documented.
      return { default: module.default as ComponentType<UiProps> }
    })
    views.set(type, view)
  }
  return view
}

/** Bound to the page's session: the cookie goes with each call, Origin passes the CSRF check. */
const client = createClient(window.location.origin, { fetch: sessionFetch })

class Boundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null }
  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
  override render() {
    if (this.state.error !== null) return <div className="dara-error">{this.state.error}</div>
    return this.props.children
  }
}

/** Renders a component of the app's own, with its props and the client. */
export function UserComponentView({ node }: ViewProps) {
  const View = viewOf(node.type)
  return (
    <Boundary>
      <Suspense fallback={<p className="dara-muted">Loading…</p>}>
        <View props={node.props} client={client} id={node.id} />
      </Suspense>
    </Boundary>
  )
}
