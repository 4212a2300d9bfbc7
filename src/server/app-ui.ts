// The built UI made this app's: its title and icon in index.html, and the
// bundle of its own components beside the built-in ones.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { BuilderState } from '../config/state.ts'
import { DaraError } from '../errors.ts'
import {
  checkedManifest,
  COMPONENTS_BASE,
  componentsDir,
  uiComponents,
} from './component-bundle.ts'
import {
  asset,
  assetOf,
  DEFAULT_UI_DIR,
  IMMUTABLE,
  loadUi,
  REVALIDATE,
  type Asset,
  type BuiltUi,
} from './ui.ts'

/** The UI of one app. */
export interface AppUi extends BuiltUi {
  readonly title: string
  /** The url of the module that maps the app's own components to their React modules. */
  readonly components: string | null
  /** Why the app's own components are not served, outside production: for the log. */
  readonly warning: string | undefined
}

const ICONS = new Set(['.ico', '.png', '.svg'])
const DEFAULT_ICON = '/favicon.svg'

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

function icon(file: string | undefined): { url: string; asset: Asset } | undefined {
  if (file === undefined) return undefined
  const extension = extname(file).toLowerCase()
  if (!ICONS.has(extension))
    throw new DaraError('DARA_ERR_FAVICON_INVALID', file, 'not an .ico, .png or .svg file')
  if (!existsSync(file) || !statSync(file).isFile())
    throw new DaraError('DARA_ERR_FAVICON_INVALID', file, 'no such file')
  return { url: `/favicon${extension}`, asset: asset(file, REVALIDATE) }
}

/**
 * Reads the built UI and the app's component bundle (checked against the app:
 * a missing or stale bundle stops the start), and writes the title and icon
 * into index.html, so that the tab is right before any script runs.
 */
export function loadAppUi(
  state: BuilderState,
  options: { readonly uiDir?: string | undefined; readonly componentsDir?: string | undefined },
): AppUi {
  const built = loadUi(options.uiDir ?? DEFAULT_UI_DIR)
  const assets = new Map(built.assets)
  const rendered = new Set(built.rendered)
  let html = built.index.body
    .toString('utf8')
    .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(state.title)}</title>`)

  const custom = icon(state.favicon)
  if (custom) {
    assets.set(custom.url, custom.asset)
    html = html.replace(
      /<link rel="icon"[^>]*>/,
      `<link rel="icon" href="${custom.url}" type="${custom.asset.type}" />`,
    )
  }
  // Browsers ask for /favicon.ico by themselves (on a page that is not HTML, say).
  const fallback = custom?.asset ?? assets.get(DEFAULT_ICON)
  if (fallback && !assets.has('/favicon.ico')) assets.set('/favicon.ico', fallback)

  let components: string | null = null
  let warning: string | undefined
  const wanted = uiComponents(state)
  for (const name of wanted.keys()) rendered.add(name)
  if (wanted.size > 0) {
    const dir = componentsDir(options.componentsDir)
    const manifest = bundleOrWarning(dir, wanted)
    if (typeof manifest === 'string') warning = manifest
    else {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isFile() || entry.name.endsWith('.json')) continue
        // Every file but the manifest has its hash in its name.
        assets.set(`${COMPONENTS_BASE}${entry.name}`, asset(join(dir, entry.name), IMMUTABLE))
      }
      components = `${COMPONENTS_BASE}${manifest.registry}`
    }
  }
  return {
    index: assetOf(Buffer.from(html), '.html', REVALIDATE),
    assets,
    rendered,
    title: state.title,
    components,
    warning,
  }
}

/**
 * The checked bundle. A production start refuses a missing or stale one;
 * elsewhere (tests, testApp, `dara routes`, which build nothing and may not
 * need the browser side) the pages are served without it, with a warning.
 * `dara start` in development builds it before, so it is never missing there.
 */
function bundleOrWarning(
  dir: string,
  wanted: ReadonlyMap<string, string>,
): ReturnType<typeof checkedManifest> | string {
  try {
    return checkedManifest(dir, wanted)
  } catch (error) {
    const lenient =
      process.env['NODE_ENV'] !== 'production' &&
      error instanceof DaraError &&
      (error.code === 'DARA_ERR_COMPONENTS_NOT_BUILT' || error.code === 'DARA_ERR_COMPONENTS_STALE')
    if (!lenient) throw error
    return `${error.message} Until then the pages show an error in their place.`
  }
}
