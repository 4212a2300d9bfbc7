// Tracing as `dara start` runs it when the OTEL_* environment asks for traces:
// OpenTelemetry's Node SDK, with its async context manager, its batch span
// processor and the sampler OTEL_TRACES_SAMPLER names. Only the exporter differs:
// it drops the spans, so a case measures making and batching them, not a
// collector's round trips. Off unless the case sets BENCH_TRACING=1.
import type { tracing } from '@opentelemetry/sdk-node'

const dropping: tracing.SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
}

/** Starts the SDK when the case asks for it; what to pass as `createApp`'s `tracing`. */
export async function benchTracing(): Promise<boolean> {
  if (process.env['BENCH_TRACING'] !== '1') return false
  const { NodeSDK } = await import('@opentelemetry/sdk-node')
  new NodeSDK({ traceExporter: dropping }).start()
  return true
}
