import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DaraError } from '../errors.ts'
import type { AppPlan } from './app-plan.ts'
import { handleNotFound } from './errors.ts'

/** Where `npm run build` (and `npm install`, through `prepare`) puts the UI. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url))

/** The file the UI build writes beside index.html: the components its React side renders. */
const MANIFEST = 'components.json'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
}

/** Hashed file names never change content: cache them for a year. Everything else is revalidated. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const REVALIDATE = 'no-cache'

/** A file the UI serves, read once. */
export interface Asset {
  readonly body: Buffer
  readonly type: string
  readonly etag: string
  readonly cache: string
}

/** The built UI, held in memory: a few hundred kilobytes, read once at start. */
export interface BuiltUi {
  readonly index: Asset
  readonly assets: ReadonlyMap<string, Asset>
  /** The component types the React side renders. */
  readonly rendered: ReadonlySet<string>
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

/** Reads a file to serve, with its type and etag. */
export function asset(file: string, cache: string): Asset {
  return assetOf(readFileSync(file), extname(file), cache)
}

/** A body to serve as a file with this extension. */
export function assetOf(body: Buffer, extension: string, cache: string): Asset {
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
  return { body, etag, cache, type: TYPES[extension] ?? 'application/octet-stream' }
}

/** Reads the built UI; a missing build stops the start with the command that makes it. */
export function loadUi(dir: string): BuiltUi {
  const indexFile = join(dir, 'index.html')
  const manifestFile = join(dir, MANIFEST)
  if (!existsSync(indexFile)) throw new DaraError('DARA_ERR_UI_NOT_BUILT', indexFile)
  if (!existsSync(manifestFile)) throw new DaraError('DARA_ERR_UI_NOT_BUILT', manifestFile)
  const parsed: unknown = JSON.parse(readFileSync(manifestFile, 'utf8'))
  const names = Array.isArray(parsed) ? parsed.filter((n) => typeof n === 'string') : []
  const assets = new Map<string, Asset>()
  for (const file of listFiles(dir)) {
    const url = `/${relative(dir, file).split(sep).join('/')}`
    if (url === '/index.html' || url === `/${MANIFEST}`) continue
    assets.set(url, asset(file, url.startsWith('/assets/') ? IMMUTABLE : REVALIDATE))
  }
  return { index: asset(indexFile, REVALIDATE), assets, rendered: new Set(names) }
}

function send(request: FastifyRequest, reply: FastifyReply, file: Asset, status = 200): unknown {
  // The security headers (the UI's policy, securityHeaders.contentSecurityPolicy
  // when given) are already set by securityHooks, for every answer outside /api.
  reply.header('cache-control', file.cache).header('etag', file.etag)
  if (status === 200 && request.headers['if-none-match'] === file.etag)
    return reply.code(304).send()
  return reply.code(status).type(file.type).send(file.body)
}

/**
 * Serves the UI: static files by exact path, and index.html for every other
 * GET outside /api, so that a page's url loads the app. A page path answers
 * 200; an unknown one 404 with the app, which shows that the page is missing.
 * /api keeps its JSON 404.
 */
export function mountUi(app: FastifyInstance, ui: BuiltUi, pagePaths: readonly string[]): void {
  const known = new Set(['/', '/login', ...pagePaths.map((path) => `/${path}`)])
  app.get('/', (request, reply) => send(request, reply, ui.index))
  app.get('/*', (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? ''
    if (path === '/api' || path.startsWith('/api/')) return handleNotFound(request, reply)
    const file = ui.assets.get(path)
    if (file) return send(request, reply, file)
    if (path.startsWith('/assets/')) return handleNotFound(request, reply)
    const page = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
    return send(request, reply, ui.index, known.has(page) ? 200 : 404)
  })
}

/** The built UI for the app's pages, when it has any. */
export function pages(app: FastifyInstance, plan: AppPlan): void {
  if (!plan.ui) return
  mountUi(
    app,
    plan.ui.built,
    plan.state.pages.map((page) => page.path),
  )
}
