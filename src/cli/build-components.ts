// Builds the app's own components (`static ui`) with Vite into one folder: a
// registry module that maps each name to a dynamic import of its React module,
// the chunks, and the manifest that says what they were built from. React is
// not bundled: the built-in UI lends its own (see ui/src/shared.ts), so there
// is one React on the page and a component adds only its own code.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import {
  BUNDLE_MANIFEST,
  COMPONENTS_BASE,
  fileHash,
  manifestPath,
  type BundleManifest,
} from '../server/component-bundle.ts'
import { DEFAULT_UI_DIR } from '../server/ui.ts'
import type * as Vite from 'vite'
import { DaraError } from '../errors.ts'

const REGISTRY_ID = '\0dara:registry'
const SHARED_PREFIX = '\0dara:shared:'
/** What the built-in UI writes beside index.html: each shared module and its export names. */
const SHARED_FILE = 'shared.json'

type SharedModules = Readonly<Record<string, readonly string[]>>

function sharedModules(uiDir: string): SharedModules {
  const file = join(uiDir, SHARED_FILE)
  if (!existsSync(file)) throw new DaraError('DARA_ERR_UI_NOT_BUILT', file)
  // Sound: written by ui/vite.config.ts as module name -> export names.
  return JSON.parse(readFileSync(file, 'utf8')) as SharedModules
}

/** A module that hands out what the built-in UI lent, under the usual export names. */
function sharedModule(name: string, exports: readonly string[]): string {
  const own = exports.filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key))
  return [
    `const m = globalThis.__DARA_SHARED__[${JSON.stringify(name)}];`,
    'export default m;',
    ...own.map((key) => `export const ${key} = m.${key};`),
  ].join('\n')
}

function registryModule(components: ReadonlyMap<string, string>): string {
  const rows = [...components].map(
    ([name, file]) => `  ${JSON.stringify(name)}: () => import(${JSON.stringify(file)}),`,
  )
  return `export const components = {\n${rows.join('\n')}\n}\n`
}

interface CompilerError {
  readonly message?: unknown
  readonly id?: unknown
  readonly loc?: { readonly file?: unknown; readonly line?: unknown; readonly column?: unknown }
  readonly errors?: readonly CompilerError[]
}

/** The compiler's first complaint as `file:line:column` and its message. */
function describeFailure(error: unknown, root: string): { where: string; message: string } {
  const outer: CompilerError = typeof error === 'object' && error !== null ? error : {}
  const first = outer.errors?.[0] ?? outer
  const text = stripVTControlCharacters(String(first.message ?? error))
    .replace(/^Build failed with \d+ errors?:\s*/, '')
    .replace(/^\[[\w:-]+\]\s*/, '')
  const [headline = text] = text.split('\n')
  // The compiler names the place in its framed excerpt (`╭─[ file:2:17 ]`) or in loc.
  const framed = /\[\s*([^\]\s]+):(\d+):(\d+)\s*\]/.exec(text)
  let where: string | undefined
  if (framed) where = `${resolve(root, framed[1] ?? '')}:${framed[2]}:${framed[3]}`
  else if (typeof first.loc?.line === 'number') {
    const file = first.loc.file ?? first.id
    const column = typeof first.loc.column === 'number' ? first.loc.column + 1 : 1
    where = `${String(file)}:${first.loc.line}:${column}`
  } else if (typeof first.id === 'string') where = first.id
  return { where: where ?? root, message: headline.trim() }
}

/** Loads Vite, an optional peer: only apps with components of their own need it. */
async function loadVite(first: string): Promise<typeof Vite> {
  try {
    return await import('vite')
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND')
      throw new DaraError('DARA_ERR_COMPONENTS_NO_VITE', first)
    throw error
  }
}

/**
 * Builds `components` (name -> React module) into `dir`, replacing what was
 * there. A module that does not compile throws DARA_ERR_COMPONENT_BUILD_FAILED
 * with the compiler's message and file:line:column.
 */
export async function buildComponents(
  components: ReadonlyMap<string, string>,
  dir: string,
  uiDir: string = DEFAULT_UI_DIR,
): Promise<BundleManifest> {
  const shared = sharedModules(uiDir)
  const names = [...components.keys()]
  const { build } = await loadVite(names[0] ?? '')
  const root = process.cwd()
  const out = isAbsolute(dir) ? dir : resolve(dir)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  let output
  // Vite sets NODE_ENV to its mode when it is unset: the app started after the
  // build must not find itself in production.
  const nodeEnv = process.env['NODE_ENV']
  try {
    output = await build({
      configFile: false,
      envFile: false,
      root,
      base: COMPONENTS_BASE,
      mode: 'production',
      logLevel: 'silent',
      build: {
        outDir: out,
        assetsDir: '',
        emptyOutDir: false,
        write: true,
        copyPublicDir: false,
        modulePreload: { polyfill: false },
        rolldownOptions: {
          input: REGISTRY_ID,
          preserveEntrySignatures: 'exports-only',
          output: {
            format: 'es',
            entryFileNames: 'registry-[hash].js',
            chunkFileNames: '[name]-[hash].js',
            assetFileNames: '[name]-[hash][extname]',
          },
        },
      },
      plugins: [
        {
          name: 'dara-components',
          enforce: 'pre',
          resolveId(id) {
            if (id === REGISTRY_ID) return REGISTRY_ID
            if (Object.hasOwn(shared, id)) return `${SHARED_PREFIX}${id}`
            return null
          },
          load(id) {
            if (id === REGISTRY_ID) return registryModule(components)
            if (id.startsWith(SHARED_PREFIX)) {
              const name = id.slice(SHARED_PREFIX.length)
              return sharedModule(name, shared[name] ?? [])
            }
            return null
          },
        },
      ],
    })
  } catch (error) {
    const { where, message } = describeFailure(error, root)
    const owner = [...components].find(([, file]) => where.startsWith(`${file}:`))?.[0]
    throw new DaraError(
      'DARA_ERR_COMPONENT_BUILD_FAILED',
      owner ?? names.join(', '),
      where,
      message,
    )
  } finally {
    if (nodeEnv === undefined) delete process.env['NODE_ENV']
    else process.env['NODE_ENV'] = nodeEnv
  }
  const results = Array.isArray(output) ? output : [output]
  const inputs: Record<string, string> = {}
  let registry = ''
  for (const result of results) {
    if (!('output' in result)) continue
    for (const item of result.output) {
      if (item.type !== 'chunk') continue
      if (item.isEntry) registry = item.fileName
      for (const id of item.moduleIds) {
        // Packages change with an install, not an edit; the app's own files are what go stale.
        if (id.startsWith('\0') || id.includes('/node_modules/') || !isAbsolute(id)) continue
        const file = id.split('?', 1)[0] ?? id
        if (existsSync(file)) inputs[manifestPath(out, file)] = fileHash(file)
      }
    }
  }
  const manifest: BundleManifest = {
    version: 1,
    registry,
    components: Object.fromEntries(
      [...components].map(([name, file]) => [name, manifestPath(out, file)]),
    ),
    inputs,
  }
  // Written last: a folder without it is a build that did not finish.
  writeFileSync(join(out, BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}
