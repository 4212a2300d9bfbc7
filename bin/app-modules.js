// The app's own .ts/.tsx/.mts files, outside node_modules, are ES modules
// whatever its package.json says: a fresh `npm init -y` project is
// "type": "commonjs", where tsx would compile them to CommonJS and Node refuses
// the entry ("Cannot require() ES Module ... in a cycle"), or the first .ts
// file a CommonJS one requires. `.cts` stays CommonJS.
//
// Plain JavaScript, loaded before any TypeScript: the hook must be registered
// before tsx, so that tsx, running first, gets the format from it (registered
// after tsx, on Node 20 it would see tsx's CommonJS wrappers instead).
import * as nodeModule from 'node:module'

const APP_MODULE = String.raw`^file:(?![^?#]*/node_modules/)[^?#]*\.(?:ts|tsx|mts)(?:[?#].*)?$`

// The same hook as a module, for module.register() where in-thread hooks are missing (Node 20).
const HOOK_MODULE = `const APP_MODULE = new RegExp(${JSON.stringify(APP_MODULE)})
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  return APP_MODULE.test(resolved.url) ? { ...resolved, format: 'module' } : resolved
}
`

/** Registers the hook: in-thread where Node has it (22.15+; module.register is deprecated on 26). */
export function registerAppModuleHook() {
  if (typeof nodeModule.registerHooks === 'function') {
    const appModule = new RegExp(APP_MODULE)
    nodeModule.registerHooks({
      resolve(specifier, context, next) {
        const resolved = next(specifier, context)
        return appModule.test(resolved.url) ? { ...resolved, format: 'module' } : resolved
      },
    })
  } else {
    nodeModule.register(`data:text/javascript,${encodeURIComponent(HOOK_MODULE)}`)
  }
}
