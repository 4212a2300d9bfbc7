import * as nodeModule from 'node:module'
import type { ResolveFnOutput, ResolveHookContext } from 'node:module'

/** An app entry that needs the TypeScript loader. */
export const TYPESCRIPT_FILE = /\.[cm]?tsx?$/

// The app's own .ts/.tsx/.mts files, outside node_modules, are ES modules
// whatever its package.json says: a fresh `npm init -y` project is
// "type": "commonjs", where tsx would hand main.ts to require() and Node
// refuses ("Cannot require() ES Module ... in a cycle"). `.cts` stays CommonJS.
const APP_MODULE = String.raw`^file:(?![^?#]*/node_modules/)[^?#]*\.(?:ts|tsx|mts)(?:[?#].*)?$`

type NextResolve = (specifier: string, context?: Partial<ResolveHookContext>) => ResolveFnOutput
type RegisterHooks = (hooks: {
  resolve(specifier: string, context: ResolveHookContext, next: NextResolve): ResolveFnOutput
}) => unknown

// The same hook, as a module for module.register(), where in-thread hooks are missing (Node 20).
const HOOK_MODULE = `const APP_MODULE = new RegExp(${JSON.stringify(APP_MODULE)})
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  return APP_MODULE.test(resolved.url) ? { ...resolved, format: 'module' } : resolved
}
`

let registered: Promise<void> | undefined

/**
 * Makes `import()` load the app's TypeScript: tsx compiles it, and the app's
 * .ts files load as ES modules. Once per process; only for a TypeScript entry,
 * so that a compiled app (main.js) starts without loading tsx and esbuild.
 */
export function loadTypeScript(): Promise<void> {
  registered ??= register()
  return registered
}

async function register(): Promise<void> {
  // Run as TypeScript, this file proves a loader is in place already: this
  // repository runs src/ through tsx.
  if (!import.meta.url.endsWith('.ts')) {
    const tsx = await import('tsx/esm/api')
    tsx.register()
  }
  // Registered after tsx, so it runs first and overrides the format tsx resolves.
  // registerHooks (Node 22.15+) is missing from the Node 20 types this package
  // builds with; module.register() is deprecated where it exists (Node 26).
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks
  if (registerHooks) {
    const appModule = new RegExp(APP_MODULE)
    registerHooks({
      resolve(specifier, context, next) {
        const resolved = next(specifier, context)
        return appModule.test(resolved.url) ? { ...resolved, format: 'module' } : resolved
      },
    })
  } else {
    nodeModule.register(`data:text/javascript,${encodeURIComponent(HOOK_MODULE)}`)
  }
}
