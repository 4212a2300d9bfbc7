import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, onResponseHookHandler } from 'fastify'
import { createRequire } from 'node:module'
import type * as PromClientModule from 'prom-client'
import type { MetricsOptions } from '../config/state.ts'
import { UPLOAD_OBSERVER, type UploadObserver } from '../components/upload-registry.ts'
import { DaraError } from '../errors.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { dependency } from '../http/dependency.ts'
import { get } from '../http/methods.ts'
import { RequestStats } from './request-stats.ts'

// Loaded on the first app that enables metrics: prom-client takes about as long
// to load as Fastify, a cost every `dara start` would pay otherwise.
const require = createRequire(import.meta.url)
type PromClient = typeof PromClientModule
let promClient: PromClient | undefined
// require() is typed `any`: the module's own types, imported above, say what it is.
const loadPromClient = (): PromClient => (promClient ??= require('prom-client') as PromClient)

/** The label of requests that matched no route, so unknown paths cannot grow the label set. */
const UNMATCHED = 'unmatched'

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Collects this app's metrics in a registry of its own (two apps in one process
 * never mix their counts): requests by method, route and status with their
 * duration, refused credentials by reason, and uploads by outcome with their
 * bytes. Returns the scrape route.
 */
export function createMetrics(options: MetricsOptions): {
  readonly route: AnyApiRoute
  readonly plugin: (app: FastifyInstance) => void
} {
  const { Counter, Registry, collectDefaultMetrics } = loadPromClient()
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const stats = new RequestStats()
  const authFailures = new Counter({
    name: 'dara_auth_failures_total',
    help: 'Requests refused for their credentials, by reason (the error code)',
    labelNames: ['reason'] as const,
    registers: [registry],
  })

  const uploads = new Counter({
    name: 'dara_uploads_total',
    help: 'Files sent to upload endpoints, by outcome: "success", or the error code they were refused with',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const uploadBytes = new Counter({
    name: 'dara_upload_bytes_total',
    help: 'Bytes of files read by upload endpoints, refused ones included',
    registers: [registry],
  })
  const observeUpload: UploadObserver = (outcome, bytes) => {
    uploads.inc({ outcome })
    uploadBytes.inc(bytes)
  }
  /** The hooks that count: registered before the routes, so that each route gets its counter. */
  const plugin = function metrics(app: FastifyInstance): void {
    app.decorate(UPLOAD_OBSERVER, observeUpload)

    // Each route gets its own hook, holding its counters: no label to work out and
    // no lookup by route per request. Requests that match no route are counted here.
    app.addHook('onRoute', (route) => {
      const methods = typeof route.method === 'string' ? [route.method] : route.method
      const counters = new Map(methods.map((method) => [method, stats.route(method, route.url)]))
      const observe: onResponseHookHandler = function countRequest(request, reply, done) {
        counters.get(request.method)?.observe(reply.statusCode, reply.elapsedTime / 1000)
        done()
      }
      const own = route.onResponse
      route.onResponse =
        own === undefined ? [observe] : [...(Array.isArray(own) ? own : [own]), observe]
    })
    app.addHook('onResponse', function countUnmatched(request, reply, done) {
      if (request.is404)
        stats.observe(request.method, UNMATCHED, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
    app.addHook('onError', (_request, _reply, error, done) => {
      if (error instanceof DaraError && error.status === 401)
        authFailures.inc({ reason: error.code })
      done()
    })
    app.addHook('onClose', (_instance, done) => {
      registry.clear()
      done()
    })
  }

  const token = options.token ?? process.env['DARA_METRICS_TOKEN']
  const scrape = async ({ reply }: { reply: { type(value: string): unknown } }) => {
    reply.type(registry.contentType)
    return `${stats.text()}${await registry.metrics()}`
  }
  if (token === undefined) {
    return {
      plugin,
      route: get('/core/metrics', function metrics(ctx) {
        return scrape(ctx)
      }),
    }
  }
  // A scraper holds a static bearer secret, not a session: the route checks that secret itself.
  const metricsToken = dependency(function metricsToken({ headers }) {
    const header = headers.authorization ?? ''
    const given = /^bearer\s+(.+)$/i.exec(header)?.[1]?.trim()
    if (given === undefined || !sameSecret(given, token)) {
      throw new DaraError('DARA_ERR_METRICS_TOKEN')
    }
  })
  return {
    plugin,
    route: get(
      '/core/metrics',
      { authenticated: false, dependencies: [metricsToken] },
      function metrics(ctx) {
        return scrape(ctx)
      },
    ),
  }
}
