// OpenTelemetry: a server span per request with the route and the user id,
// exported in process; and `dara start` under OTEL_* variables sending its spans
// through the official Node SDK to an OTLP/HTTP receiver on loopback.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage } from 'node:http'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api'
import { core, node, tracing } from '@opentelemetry/sdk-node'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { dependency, get } from 'dara-ts/http'
import { SECRET, bearer, login, tokenOf } from '../helpers/auth.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function items(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/items/{id}', ({ params }) => ({ id: params.id })))
  config.addEndpoint(
    get('/boom', () => {
      throw new Error('boom')
    }),
  )
  return config
}

void test('each request gets a server span with its route, status and user id', async (t) => {
  // The W3C propagator, as the Node SDK registers it, to continue the caller's trace.
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator())
  t.after(() => propagation.disable())
  const exporter = new tracing.InMemorySpanExporter()
  const provider = new tracing.BasicTracerProvider({
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  })
  const app = createApp(items(), { logger: false, secret: SECRET, tracing: provider })
  t.after(() => app.close())
  const token = await login(app)
  exporter.reset()

  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
  await app.inject({
    url: '/api/items/7?full=1',
    headers: { ...bearer(token), traceparent: parent },
  })
  await app.inject({ url: '/api/items/8' })
  await app.inject({ url: '/api/boom', headers: bearer(token) })

  const spans = exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    status: span.status.code,
    parent: span.parentSpanContext?.spanId ?? null,
    trace: span.spanContext().traceId,
  }))
  assert.equal(spans.length, 3)
  assert.deepEqual(spans[0], {
    name: 'GET /api/items/:id',
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'url.path': '/api/items/7',
      'url.query': 'full=[REDACTED]',
      'http.route': '/api/items/:id',
      'enduser.id': 'user',
      'http.response.status_code': 200,
    },
    status: SpanStatusCode.UNSET,
    parent: 'b7ad6b7169203331',
    trace: '0af7651916cd43dd8448eb211c80319c',
  })
  assert.deepEqual(spans[1]?.attributes, {
    'http.request.method': 'GET',
    'url.path': '/api/items/8',
    'http.route': '/api/items/:id',
    'http.response.status_code': 401,
  })
  assert.equal(spans[1]?.parent, null)
  assert.deepEqual(
    [spans[2]?.name, spans[2]?.status, spans[2]?.attributes['http.response.status_code']],
    ['GET /api/boom', SpanStatusCode.ERROR, 500],
  )
})

void test("the sampler sees the request's route and path, so an app can drop its health checks", async (t) => {
  const exporter = new tracing.InMemorySpanExporter()
  const seen: string[] = []
  const noHealth: tracing.Sampler = {
    shouldSample: (_context, _traceId, name, _kind, attributes) => {
      seen.push(`${name} ${String(attributes['url.path'])}`)
      return {
        decision:
          attributes['http.route'] === '/api/health'
            ? tracing.SamplingDecision.NOT_RECORD
            : tracing.SamplingDecision.RECORD_AND_SAMPLED,
      }
    },
    toString: () => 'NoHealthChecks',
  }
  const provider = new tracing.BasicTracerProvider({
    sampler: noHealth,
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  })
  const config = items()
  config.addEndpoint(get('/health', { authenticated: false }, () => 'ok'))
  const app = createApp(config, { logger: false, secret: SECRET, tracing: provider })
  t.after(() => app.close())

  assert.equal((await app.inject({ url: '/api/health?probe=1' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/api/items/3' })).statusCode, 401)
  assert.deepEqual(seen, ['GET /api/health /api/health', 'GET /api/items/:id /api/items/3'])
  assert.deepEqual(
    exporter.getFinishedSpans().map((span) => span.name),
    ['GET /api/items/:id'],
  )
})

/** What an OTLP/HTTP JSON export holds, as far as this test reads it. */
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] }
    scopeSpans: {
      spans: {
        name: string
        attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[]
      }[]
    }[]
  }[]
}

/** A tiny OTLP/HTTP receiver on loopback: collects every JSON trace export. */
async function receiver(t: TestContext): Promise<{ url: string; exports: OtlpExport[] }> {
  const exports: OtlpExport[] = []
  const read = async (req: IncomingMessage): Promise<string> => {
    let body = ''
    for await (const chunk of req) body += String(chunk)
    return body
  }
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      if (req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  t.after(() => new Promise<void>((done) => server.close(() => done())))
  const address = server.address()
  assert.ok(typeof address === 'object' && address !== null)
  return { url: `http://127.0.0.1:${address.port}`, exports }
}

void test('spans the app makes while serving a request are children of its span', async (t) => {
  const exporter = new tracing.InMemorySpanExporter()
  // register() sets the global provider and the async context manager, as the Node SDK does.
  const provider = new node.NodeTracerProvider({
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  })
  provider.register()
  t.after(async () => {
    await provider.shutdown()
    trace.disable()
    context.disable()
    propagation.disable()
  })
  const config = new ConfigurationBuilder()
  const lookup = dependency(async function lookup() {
    await new Promise((resolve) => setImmediate(resolve))
    return trace.getTracer('app').startActiveSpan('load user', (span) => {
      span.end()
      return 'row'
    })
  })
  config.addEndpoint(
    get('/report', { inject: { row: lookup } }, async ({ row }) => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      trace.getTracer('app').startSpan('render').end()
      return row
    }),
  )
  const app = createApp(config, { logger: false, secret: SECRET, tracing: true })
  t.after(() => app.close())
  const token = await login(app)
  exporter.reset()

  const res = await app.inject({ url: '/api/report', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  const spans = exporter.getFinishedSpans()
  const request = spans.find((span) => span.name === 'GET /api/report')
  assert.ok(request, 'the request span')
  assert.deepEqual(
    spans
      .filter((span) => span !== request)
      .map((span) => [span.name, span.parentSpanContext?.spanId, span.spanContext().traceId]),
    [
      ['load user', request.spanContext().spanId, request.spanContext().traceId],
      ['render', request.spanContext().spanId, request.spanContext().traceId],
    ],
  )
})

void test('dara start with OTEL_* set exports request spans over OTLP/HTTP', async (t) => {
  const collector = await receiver(t)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DARA_JWT_SECRET: SECRET,
    DARA_LOG_LEVEL: 'warn',
    OTEL_SERVICE_NAME: 'seed-under-test',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
  }
  const child = spawn(
    process.execPath,
    ['bin/dara.js', 'start', 'examples/seed/main.ts', '--port', '0'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const exited = new Promise<number | null>((done) => child.once('close', done))
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  let stdout = ''
  const url = await new Promise<string>((done, fail) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
      if (match?.[1] !== undefined) done(match[1])
    })
    child.once('close', () => fail(new Error(`dara start exited:\n${stdout}`)))
  })

  const session = await fetch(`${url}/api/auth/session`, { method: 'POST' })
  const token = tokenOf(await session.json())
  assert.equal((await fetch(`${url}/api/greetings`, { headers: bearer(token) })).status, 200)
  // SIGTERM closes the app and then the SDK, which flushes what it holds.
  child.kill('SIGTERM')
  assert.equal(await exited, 0)

  const spans = collector.exports.flatMap((e) =>
    e.resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) =>
        s.spans.map((span) => ({
          service: r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
          name: span.name,
          attributes: Object.fromEntries(
            span.attributes.map((a) => [a.key, a.value.stringValue ?? Number(a.value.intValue)]),
          ),
        })),
      ),
    ),
  )
  assert.deepEqual(
    spans.find((span) => span.name === 'GET /api/greetings'),
    {
      service: 'seed-under-test',
      name: 'GET /api/greetings',
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/api/greetings',
        'http.route': '/api/greetings',
        'enduser.id': 'user',
        'http.response.status_code': 200,
      },
    },
  )
  assert.ok(spans.some((span) => span.name === 'POST /api/auth/session'))
})
