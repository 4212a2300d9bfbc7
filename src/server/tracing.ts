import { createRequire } from 'node:module'
import type * as OpenTelemetry from '@opentelemetry/api'
import type { Attributes, Span, TextMapGetter } from '@opentelemetry/api'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppPlan } from './app-plan.ts'
import { requestIdentity } from './pipeline.ts'

// Loaded by the first app that traces, so apps that do not never pay for it.
// The API keeps its state (the SDK's provider, propagators) in one global that
// every copy of the package shares, so this copy sees what the SDK registered.
const require = createRequire(import.meta.url)
// require() is typed `any`: the module's own types, imported above, say what it is.
const loadApi = (): typeof OpenTelemetry => require('@opentelemetry/api') as typeof OpenTelemetry

/**
 * Whether the OTEL_* environment asks for traces: an exporter is named, or an
 * OTLP endpoint is given, and traces are not turned off.
 */
export function tracingFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['OTEL_SDK_DISABLED'] === 'true') return false
  const exporter = env['OTEL_TRACES_EXPORTER']
  if (exporter !== undefined) return exporter !== 'none'
  return (
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] !== undefined ||
    env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] !== undefined
  )
}

const headerGetter: TextMapGetter<FastifyRequest['headers']> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
}

/** Where a request keeps its span: a slot on Fastify's request, declared once per app. */
const SPAN = Symbol('dara.span')
type Traced = FastifyRequest & { [SPAN]: Span | null }

/**
 * A server span per request, named `METHOD /route/pattern`, continuing the
 * caller's trace (W3C `traceparent`), with the route, the status and, on an
 * authenticated route, the user id (`enduser.id`). It ends with the response,
 * so a streamed response is timed to its last byte.
 *
 * The request's attributes go to the SDK with the span's start, where a sampler
 * sees them (to drop health checks by `http.route`, say); what is known only
 * at the end (status, user) is set only on a span that is kept. The query is
 * `url.query` with its values redacted, as the request log writes it.
 */
export function addTracing(app: FastifyInstance, plan: AppPlan): void {
  const { redaction } = plan
  const provider = plan.tracing === false ? undefined : plan.tracing.provider
  const { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } = loadApi()
  const tracer = (provider ?? trace.getTracerProvider()).getTracer('dara-ts')

  app.decorateRequest(SPAN, null)
  app.addHook('onRequest', function startSpan(request, _reply, done) {
    const route = request.routeOptions.url
    // Most requests carry no trace context: skip the propagators' parsing for them.
    const parent =
      request.headers['traceparent'] === undefined
        ? ROOT_CONTEXT
        : propagation.extract(ROOT_CONTEXT, request.headers, headerGetter)
    const method = request.method
    const url = request.url
    const query = url.indexOf('?')
    const attributes: Attributes = {
      'http.request.method': method,
      'url.path': query === -1 ? url : url.slice(0, query),
    }
    if (query !== -1) attributes['url.query'] = redaction.query(url.slice(query + 1))
    if (route !== undefined) attributes['http.route'] = route
    const span = tracer.startSpan(
      route === undefined ? method : `${method} ${route}`,
      { kind: SpanKind.SERVER, attributes },
      parent,
    )
    ;(request as Traced)[SPAN] = span
    // The rest of the request (auth, dependencies, handler) starts from here, so
    // spans the app makes while serving it are children of this one, where the
    // SDK's context manager tracks async context (the Node SDK's does). A dropped
    // span is set too: its children are dropped with it, not made roots.
    context.with(trace.setSpan(parent, span), done)
  })

  const end = (request: Traced, status: number | undefined): void => {
    const span = request[SPAN]
    if (span === null) return
    request[SPAN] = null
    if (span.isRecording()) {
      const user = requestIdentity.get(request)?.user.identityId
      if (user !== undefined) span.setAttribute('enduser.id', user)
      if (status === undefined) {
        span.setAttribute('dara.aborted', true)
      } else {
        span.setAttribute('http.response.status_code', status)
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      }
    }
    span.end()
  }
  app.addHook('onResponse', function endSpan(request, reply, done) {
    end(request as Traced, reply.statusCode)
    done()
  })
  app.addHook('onRequestAbort', function abortSpan(request, done) {
    end(request as Traced, undefined)
    done()
  })
}
