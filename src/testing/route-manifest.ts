import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import { DaraError } from '../errors.ts'
import { routeManifest, type ManifestRoute } from '../server/manifest.ts'

export interface RouteManifestOptions {
  /** Write the app's manifest to the file instead of comparing; default: `DARA_ACCEPT_ROUTES=1`. */
  readonly accept?: boolean
}

const keyOf = (route: ManifestRoute): string => `${route.method} ${route.path}`

/** The manifest as JSON, one route a line, so a review shows one line per changed route. */
export function formatManifest(routes: readonly ManifestRoute[]): string {
  return `[\n${routes.map((route) => `  ${JSON.stringify(route)}`).join(',\n')}\n]\n`
}

function describeChange(before: ManifestRoute, after: ManifestRoute): string | undefined {
  const fields = (Object.keys(after) as (keyof ManifestRoute)[]).filter(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  )
  if (fields.length === 0) return undefined
  const what = fields
    .map((f) => `${f} ${JSON.stringify(before[f])} -> ${JSON.stringify(after[f])}`)
    .join(', ')
  const opened = before.authenticated && !after.authenticated ? ' (now PUBLIC)' : ''
  return `changed ${keyOf(after)}${opened}: ${what}`
}

/** What differs between a committed manifest and the app's routes, one line each. */
export function diffManifest(
  committed: readonly ManifestRoute[],
  actual: readonly ManifestRoute[],
): string[] {
  const before = new Map(committed.map((route) => [keyOf(route), route]))
  const after = new Map(actual.map((route) => [keyOf(route), route]))
  const lines: string[] = []
  for (const [key, route] of after) {
    const old = before.get(key)
    if (old === undefined) {
      lines.push(
        route.authenticated
          ? `new route ${key} (${route.origin})`
          : `new PUBLIC route ${key} (${route.origin}): anyone may call it without a session`,
      )
    } else {
      const change = describeChange(old, route)
      if (change !== undefined) lines.push(change)
    }
  }
  for (const key of before.keys()) if (!after.has(key)) lines.push(`removed route ${key}`)
  return lines
}

const MANIFEST = z.array(
  z.object({
    method: z.string(),
    path: z.string(),
    authenticated: z.boolean(),
    groups: z.array(z.string()),
    // Absent from manifests written before they were listed: read as none, so
    // that only the routes that have some show as changed.
    scopes: z.array(z.string()).default([]),
    limits: z.record(z.string(), z.string()).default({}),
    configurations: z.array(z.string()),
    dependencies: z.array(z.string()),
    origin: z.string(),
  }),
)

function parseManifest(file: string): ManifestRoute[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new DaraError('DARA_ERR_MANIFEST_INVALID', file, String(error))
  }
  const result = MANIFEST.safeParse(parsed)
  if (!result.success) {
    throw new DaraError('DARA_ERR_MANIFEST_INVALID', file, z.prettifyError(result.error))
  }
  return result.data
}

/**
 * Compares an app's routes with a committed manifest and throws, listing every
 * difference, when they differ: a new route, above all a public one
 * (`authenticated: false`), fails the test until someone accepts it on purpose
 * by rewriting the manifest (`DARA_ACCEPT_ROUTES=1`, or `dara routes <entry> --json`).
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { checkRouteManifest } from 'dara-ts/testing'
 * import { config } from './main.ts'
 *
 * void test('the routes are the ones we reviewed', () =>
 *   checkRouteManifest(config, new URL('./routes.json', import.meta.url)),
 * )
 * ```
 */
export async function checkRouteManifest(
  config: ConfigurationBuilder,
  file: string | URL,
  options: RouteManifestOptions = {},
): Promise<void> {
  const path = typeof file === 'string' ? file : fileURLToPath(file)
  const actual = await routeManifest(config)
  if (options.accept ?? process.env['DARA_ACCEPT_ROUTES'] === '1') {
    writeFileSync(path, formatManifest(actual))
    return
  }
  if (!existsSync(path)) throw new DaraError('DARA_ERR_MANIFEST_MISSING', path, path)
  const lines = diffManifest(parseManifest(path), actual)
  if (lines.length > 0) {
    throw new DaraError(
      'DARA_ERR_MANIFEST_CHANGED',
      path,
      lines.map((line) => `\n  - ${line}`).join(''),
      path,
    )
  }
}
