import { builderState } from '../config/state.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { componentsDir, readManifest, staleness, uiComponents } from '../server/component-bundle.ts'
import { buildComponents } from './build-components.ts'

/** What prepareComponents() did: nothing to build, a fresh build kept, or a new one. */
export type Prepared =
  | { readonly kind: 'none' }
  | { readonly kind: 'fresh' | 'built'; readonly dir: string; readonly names: readonly string[] }

/**
 * Builds the app's own components for `dara start` in development, unless the
 * last build still matches them: a restart under --reload after a change to a
 * server file builds nothing. A production start builds nothing at all and
 * createApp() refuses a missing or stale build.
 */
export async function prepareComponents(
  config: ConfigurationBuilder,
  dir?: string,
  force = false,
): Promise<Prepared> {
  const state = builderState(config)
  // Without pages the UI is not served, and nothing would load the bundle.
  if (state.pages.length === 0 && !force) return { kind: 'none' }
  const wanted = uiComponents(state)
  if (wanted.size === 0) return { kind: 'none' }
  const out = componentsDir(dir)
  const names = [...wanted.keys()]
  const manifest = readManifest(out)
  if (!force && manifest && staleness(out, manifest, wanted) === undefined)
    return { kind: 'fresh', dir: out, names }
  await buildComponents(wanted, out)
  return { kind: 'built', dir: out, names }
}
