// The app's own components with a React side (`static ui`), as one bundle built
// by `dara start` (development) or `dara build` (production) and read here at
// start. A manifest beside the files says what the bundle was built from, so a
// start can tell a bundle that no longer matches the app from a fresh one.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BuilderState } from '../config/state.ts'
import { isComponentClass, type ComponentInstance } from '../definitions/component-instance.ts'
import { DaraError } from '../errors.ts'

/** Where the bundle goes unless told otherwise: beside the development secret. */
export const DEFAULT_COMPONENTS_DIR = '.dara/ui'
/** The url the bundle is served under; /assets/ is the UI's and never a page. */
export const COMPONENTS_BASE = '/assets/app/'
/** What the bundle was built from, written last by the build. */
export const BUNDLE_MANIFEST = 'dara-components.json'

/** The manifest a build writes; paths are relative to the bundle's folder. */
export interface BundleManifest {
  readonly version: 1
  /** The registry module's file name in the folder. */
  readonly registry: string
  /** Each component's name and its React module. */
  readonly components: Readonly<Record<string, string>>
  /** Every source file the bundle holds, with its sha1. */
  readonly inputs: Readonly<Record<string, string>>
}

/** The folder of the bundle: the option, else DARA_COMPONENTS_DIR, else .dara/ui. */
export function componentsDir(given?: string): string {
  return resolve(given ?? (process.env['DARA_COMPONENTS_DIR'] || DEFAULT_COMPONENTS_DIR))
}

function describe(value: unknown): string {
  return value instanceof URL ? value.href : typeof value === 'string' ? value : typeof value
}

function add(found: Map<string, string>, type: { readonly name: string; readonly ui?: unknown }) {
  if (type.ui === undefined || found.has(type.name)) return
  const url = type.ui
  const file = url instanceof URL && url.protocol === 'file:' ? fileURLToPath(url) : undefined
  if (file === undefined || !existsSync(file) || !statSync(file).isFile()) {
    throw new DaraError('DARA_ERR_COMPONENT_UI_INVALID', type.name, describe(url))
  }
  found.set(type.name, file)
}

/**
 * The components of an app that bring their own React module, by name: those
 * registered (addComponent, or exported by the entry) and those used in pages.
 */
export function uiComponents(state: BuilderState): Map<string, string> {
  const found = new Map<string, string>()
  for (const component of state.components) add(found, component)
  const visit = (component: ComponentInstance): void => {
    if (isComponentClass(component.constructor)) add(found, component.constructor)
    component.children.forEach(visit)
  }
  for (const page of state.pages) visit(page.content)
  return found
}

/** The sha1 of a file, as the manifest records it. */
export function fileHash(file: string): string {
  return createHash('sha1').update(readFileSync(file)).digest('hex')
}

/** A path as the manifest writes it: relative to the bundle, with forward slashes. */
export function manifestPath(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/')
}

/** The manifest in `dir`, or undefined when there is none (never built, or a build that failed). */
export function readManifest(dir: string): BundleManifest | undefined {
  const file = resolve(dir, BUNDLE_MANIFEST)
  if (!existsSync(file)) return undefined
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (typeof parsed !== 'object' || parsed === null || !('version' in parsed)) return undefined
  // Sound: the file is ours, written by writeBundle() with this shape and version.
  return parsed.version === 1 ? (parsed as BundleManifest) : undefined
}

/**
 * Why the bundle in `dir` does not match these components, or undefined when
 * it does: a component added, removed or moved, a source file changed.
 */
export function staleness(
  dir: string,
  manifest: BundleManifest,
  wanted: ReadonlyMap<string, string>,
): string | undefined {
  for (const [name, file] of wanted) {
    const built = manifest.components[name]
    if (built === undefined) return `${name} was added`
    if (built !== manifestPath(dir, file)) return `${name}'s module is now ${file}`
  }
  for (const name of Object.keys(manifest.components))
    if (!wanted.has(name)) return `${name} was removed`
  for (const [path, hash] of Object.entries(manifest.inputs)) {
    const file = resolve(dir, path)
    if (!existsSync(file)) return `${file} is gone`
    if (fileHash(file) !== hash) return `${file} changed`
  }
  return undefined
}

/**
 * The bundle for the app's components, checked against them: a missing or
 * stale one stops the start with the command that makes it. `entry` is only
 * for the message.
 */
export function checkedManifest(
  dir: string,
  wanted: ReadonlyMap<string, string>,
  entry = 'main.ts',
): BundleManifest {
  const manifest = readManifest(dir)
  const first = [...wanted.keys()][0] ?? ''
  if (!manifest) throw new DaraError('DARA_ERR_COMPONENTS_NOT_BUILT', first, dir, entry)
  const reason = staleness(dir, manifest, wanted)
  if (reason !== undefined) throw new DaraError('DARA_ERR_COMPONENTS_STALE', dir, reason, entry)
  return manifest
}
