import type { ReactNode } from 'react'
import type { Action, ComponentJson } from 'dara-ts/components'

/** What a page gives its components: run an action, fetch with the session. */
export interface PageContext {
  readonly run: (action: Action | null | undefined) => void
}

/** The props of every component's React side. */
export interface ViewProps {
  readonly node: ComponentJson
  readonly children: ReactNode
  readonly page: PageContext
}

/** A prop as a string, whatever the server sent. */
export function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** A prop that is an action, or null. */
export function action(value: unknown): Action | null {
  if (typeof value !== 'object' || value === null || !('action' in value)) return null
  if (value.action === 'refresh') return { action: 'refresh' }
  if (value.action === 'navigate' && 'to' in value && typeof value.to === 'string')
    return { action: 'navigate', to: value.to }
  return null
}
