import { registerAppModuleHook } from '../../bin/app-modules.js'

/** An app entry that needs the TypeScript loader. */
export const TYPESCRIPT_FILE = /\.[cm]?tsx?$/

let registered: Promise<void> | undefined

/**
 * Makes `import()` load the app's TypeScript: tsx compiles it, and the app's
 * .ts files load as ES modules whatever its package.json says (see
 * bin/app-modules.js). Once per process; only for a TypeScript entry, so that a
 * compiled app (main.js) starts without loading tsx and esbuild.
 */
export function loadTypeScript(): Promise<void> {
  registered ??= register()
  return registered
}

async function register(): Promise<void> {
  // Run as TypeScript, this file proves both are in place already: in this
  // repository bin/dara.js registers them before it loads src/ through tsx.
  if (import.meta.url.endsWith('.ts')) return
  registerAppModuleHook()
  const tsx = await import('tsx/esm/api')
  tsx.register()
}
