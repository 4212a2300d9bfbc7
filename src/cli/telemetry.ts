import { tracingFromEnv } from '../server/tracing.ts'

/**
 * Starts OpenTelemetry's Node SDK when the OTEL_* environment asks for traces
 * (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, ...:
 * the SDK reads them itself). Returns what flushes and stops it, or undefined
 * when tracing is off. Loaded only then: the SDK is large.
 */
export async function startTelemetry(): Promise<(() => Promise<void>) | undefined> {
  if (!tracingFromEnv()) return undefined
  const { NodeSDK } = await import('@opentelemetry/sdk-node')
  const sdk = new NodeSDK()
  sdk.start()
  return () => sdk.shutdown()
}
