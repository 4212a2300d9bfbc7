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
  const config = module['config']
  if (!(config instanceof ConfigurationBuilder))
    throw new DaraError('DARA_ERR_ENTRY_NO_CONFIG', entry)
  config.discover(module)
  return config
}
