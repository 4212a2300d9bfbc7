import { createReadStream } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import type { DocsOptions } from '../config/state.ts'
import type { createAuthHook } from './auth.ts'
import type { RoutePlan } from './plan.ts'

// The explorer is Swagger UI, served from the few files of swagger-ui-dist that
// `npm run build` copies into the package's dist/swagger-ui (with their licence):
// the page works offline, nothing in it is fetched from anywhere but this app,
// and an app's install does not pull swagger-ui-dist. The same path from
// src/server/ and dist/server/.
const SWAGGER_UI = new URL('../../dist/swagger-ui/', import.meta.url)

/** The package files the page loads, by the name it loads them under. */
const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'favicon.png': { file: 'favicon-32x32.png', type: 'image/png' },
}

// Relative urls: the page at /api/docs loads docs/<asset> and openapi.json, so it
// keeps working behind a proxy that mounts the app under a prefix.
const PAGE = (title: string): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="docs/favicon.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/init.js"></script>
  </body>
</html>
`

// validatorUrl: null, or Swagger UI sends the document to a public validator for its badge.
const INIT = `window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', window.location.href).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
})
`

// The page may load nothing from elsewhere; Swagger UI sets inline styles and data: icons.
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ')

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Whether the docs are served: as configured, else everywhere but production. */
export function docsEnabled(options: DocsOptions): boolean {
  return options.enabled ?? process.env['NODE_ENV'] !== 'production'
}

/**
 * Mounts `GET /api/openapi.json` and the docs page at `/api/docs`. The document
 * is built once, at the first request, from the routes planned at start.
 */
export function registerDocs(
  app: FastifyInstance,
  plans: readonly RoutePlan[],
  options: DocsOptions,
  authenticate: (path: string) => ReturnType<typeof createAuthHook>,
): void {
  const guard = (path: string) =>
    options.authenticated === true ? { onRequest: authenticate(path) } : {}
  const title = options.title ?? 'dara-ts app'
  let document: string | undefined

  app.get('/api/openapi.json', guard('/api/openapi.json'), async (_request, reply) => {
    // Loaded with the first request for it: it needs zod's JSON Schema
    // conversion, which an app's start does not.
    const { buildOpenApi } = await import('./openapi.ts')
    document ??= JSON.stringify(
      buildOpenApi(plans, {
        title,
        version: options.version ?? '0.0.0',
        ...(options.description === undefined ? {} : { description: options.description }),
      }),
    )
    return reply.type('application/json; charset=utf-8').send(document)
  })
  app.get('/api/docs', guard('/api/docs'), (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-cache')
      .send(PAGE(title)),
  )
  app.get('/api/docs/init.js', guard('/api/docs/init.js'), (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(INIT),
  )
  app.get<{ Params: { asset: string } }>(
    '/api/docs/:asset',
    guard('/api/docs/:asset'),
    (request, reply) => {
      const asset = Object.hasOwn(ASSETS, request.params.asset)
        ? ASSETS[request.params.asset]
        : undefined
      // `/api/docs/` is the page with a slash too many: its relative urls would miss.
      if (request.params.asset === '') return reply.redirect('../docs', 301)
      if (!asset) {
        return reply
          .code(404)
          .send({ detail: `No docs asset ${request.params.asset.slice(0, 100)}` })
      }
      return reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(fileURLToPath(new URL(asset.file, SWAGGER_UI))))
    },
  )
}
