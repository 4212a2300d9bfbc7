import { routeManifest, type ManifestRoute } from '../server/manifest.ts'
import { formatManifest } from '../testing/route-manifest.ts'
import { loadEntry } from './load-entry.ts'

export interface RoutesOptions {
  readonly entry: string
  readonly json: boolean
}

function pad(cells: readonly string[][]): string[] {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0))) ?? []
  return cells.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  )
}

/** The route table as a person reads it: one row a route. */
export function routeTable(routes: readonly ManifestRoute[]): string {
  const rows = routes.map((r) => [
    r.method,
    r.path,
    r.authenticated ? 'authenticated' : 'PUBLIC',
    r.groups.join(', ') || '-',
    r.scopes.join(', ') || '-',
    r.origin,
    r.configurations.join(', ') || '-',
    r.dependencies.join(', ') || '-',
    Object.entries(r.limits)
      .map(([name, limit]) => `${name} ${limit}`)
      .join('; ') || '-',
  ])
  return pad([
    [
      'METHOD',
      'PATH',
      'AUTH',
      'GROUPS',
      'SCOPES',
      'ORIGIN',
      'CONFIGURATIONS',
      'DEPENDENCIES',
      'LIMITS',
    ],
    ...rows,
  ]).join('\n')
}

/** `dara routes`: prints every mounted route, or with --json the manifest CI compares. */
export async function printRoutes(options: RoutesOptions): Promise<void> {
  const routes = await routeManifest(await loadEntry(options.entry))
  process.stdout.write(options.json ? formatManifest(routes) : `${routeTable(routes)}\n`)
}
