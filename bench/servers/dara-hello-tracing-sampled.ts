// Case "dara-ts + tracing 10%": as "dara-ts + tracing", keeping one trace in
// ten (OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1),
// as a busy service usually does.
import { tracing } from '@opentelemetry/sdk-node'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { benchSecret, serve } from './listen.ts'

const dropping: tracing.SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
}
const provider = new tracing.BasicTracerProvider({
  sampler: new tracing.ParentBasedSampler({ root: new tracing.TraceIdRatioBasedSampler(0.1) }),
  spanProcessors: [new tracing.BatchSpanProcessor(dropping)],
})

const config = new ConfigurationBuilder()
config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))

await serve(createApp(config, { secret: benchSecret(), tracing: provider }))
