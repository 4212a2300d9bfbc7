import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { DaraError } from '../errors.ts'
import { TYPESCRIPT_FILE, loadTypeScript } from './typescript-loader.ts'

/**
 * Imports an app's entry module and returns its `config`, with every
 * ComponentInstance subclass the module exports registered (import discovery).
 * A TypeScript entry is loaded through tsx, as an ES module; a .js or .mjs
 * entry by Node alone.
 */
export async function loadEntry(entry: string): Promise<ConfigurationBuilder> {
  const path = resolve(entry)
  if (!existsSync(path)) throw new DaraError('DARA_ERR_ENTRY_NOT_FOUND', path)
  if (TYPESCRIPT_FILE.test(path)) await loadTypeScript()
  const loaded: unknown = await import(pathToFileURL(path).href)
  const module: Record<string, unknown> =
    typeof loaded === 'object' && loaded !== null ? { ...loaded } : {}
  if (!('config' in module)) throw new DaraError('DARA_ERR_ENTRY_NO_CONFIG', entry)
  const config = module['config']
  if (!(config instanceof ConfigurationBuilder))
    throw new DaraError('DARA_ERR_ENTRY_CONFIG_TYPE', entry, describeValue(config))
  config.discover(module)
  return config
}

/** How the message names a value that is not a ConfigurationBuilder. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`
  if (typeof value !== 'object') return `a ${typeof value}`
  const name = value.constructor?.name
  // A builder of another copy of dara-ts has the same class name but is not this one.
  if (name === 'ConfigurationBuilder') return 'a ConfigurationBuilder of another copy of dara-ts'
  if (typeof Reflect.get(value, 'then') === 'function')
    return 'a Promise (export the builder, not a promise of it)'
  return name && name !== 'Object' ? `an instance of ${name}` : 'a plain object'
}
