// Case "dara-ts + tracing": the "dara-ts" endpoint with a span per request,
// batched as the Node SDK does, to an exporter that drops them: the cost of
// making and batching spans, without a collector's network round trips.
import { tracing } from '@opentelemetry/sdk-node'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { benchSecret, serve } from './listen.ts'

const dropping: tracing.SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
}
const provider = new tracing.BasicTracerProvider({
  spanProcessors: [new tracing.BatchSpanProcessor(dropping)],
})

const config = new ConfigurationBuilder()
config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))

await serve(createApp(config, { secret: benchSecret(), tracing: provider }))
