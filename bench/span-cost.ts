// `npm run bench:spans`: what OpenTelemetry's SDK itself costs per request span,
// apart from any server: the calls dara-ts makes for each request (startSpan as
// a server span, the span set as the active context through the Node SDK's
// async context manager, end), in a tight loop, for each usual sampler. This is
// the floor under the "+ tracing" cases of `npm run bench`: a server pays it,
// and more, since the SDK's code then competes with the server's for the CPU's
// caches.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api'
import { tracing } from '@opentelemetry/sdk-node'

const SPANS = 500_000
const ROUNDS = 5

const dropping: tracing.SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
}

const SAMPLERS: readonly (readonly [string, tracing.Sampler])[] = [
  ['always_off', new tracing.AlwaysOffSampler()],
  [
    'parentbased_traceidratio 0.1',
    new tracing.ParentBasedSampler({ root: new tracing.TraceIdRatioBasedSampler(0.1) }),
  ],
  ['always_on', new tracing.AlwaysOnSampler()],
]

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const noop = (): void => undefined

/** Nanoseconds per span, the median of ROUNDS rounds after one to warm up. */
async function measure(sampler: tracing.Sampler, withContext: boolean): Promise<number> {
  const provider = new tracing.BasicTracerProvider({
    sampler,
    spanProcessors: [new tracing.BatchSpanProcessor(dropping)],
  })
  const tracer = provider.getTracer('dara-ts')
  const rounds: number[] = []
  for (let round = 0; round <= ROUNDS; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < SPANS; i++) {
      const span = tracer.startSpan(
        'GET /api/hello',
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': 'GET',
            'url.path': '/api/hello',
            'http.route': '/api/hello',
          },
        },
        ROOT_CONTEXT,
      )
      if (withContext) context.with(trace.setSpan(ROOT_CONTEXT, span), noop)
      if (span.isRecording()) span.setAttribute('http.response.status_code', 200)
      span.end()
    }
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - start) / SPANS)
    // Let the batch processor's timer export what it holds, as a server's idle moments would.
    await new Promise((resolve) => setImmediate(resolve))
  }
  await provider.shutdown()
  rounds.sort((a, b) => a - b)
  return rounds[Math.floor(rounds.length / 2)] ?? NaN
}

console.log(
  `OpenTelemetry SDK, per request span: Node ${process.version}, ${SPANS} spans, median of ${ROUNDS} rounds`,
)
console.log('| sampler | span | span + active context |')
console.log('| --- | ---: | ---: |')
for (const [name, sampler] of SAMPLERS) {
  const bare = await measure(sampler, false)
  const active = await measure(sampler, true)
  console.log(`| ${name} | ${Math.round(bare)} ns | ${Math.round(active)} ns |`)
}
