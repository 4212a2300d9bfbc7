import { isAbsolute, relative } from 'node:path'
import { loadEntry } from './load-entry.ts'
import { prepareComponents } from './components.ts'

export interface BuildOptions {
  readonly entry: string
  /** Where the bundle goes; default DARA_COMPONENTS_DIR, else .dara/ui. */
  readonly out: string | undefined
}

/**
 * `dara build`: builds the React side of the app's own components for a
 * production start, which builds nothing and refuses a missing or stale build.
 */
export async function buildCommand(options: BuildOptions): Promise<void> {
  const config = await loadEntry(options.entry)
  const result = await prepareComponents(config, options.out, true)
  if (result.kind === 'none') {
    console.log(`${options.entry}: no component has a React side of its own; nothing to build`)
    return
  }
  const inside = relative(process.cwd(), result.dir)
  const where =
    inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? result.dir : inside
  console.log(`Built the React side of ${result.names.join(', ')} into ${where}`)
  if (options.out !== undefined)
    console.log(`Start the app with DARA_COMPONENTS_DIR=${where} so that it finds them`)
}
