import type * as OpenTelemetrySdk from '@opentelemetry/sdk-node'
import { DaraError } from '../errors.ts'
import { tracingFromEnv } from '../server/tracing.ts'

const SDK = '@opentelemetry/sdk-node'
/** The variables that turn tracing on, as tracingFromEnv reads them. */
const TRACING_VARIABLES = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
] as const

/**
 * Starts OpenTelemetry's Node SDK when the OTEL_* environment asks for traces
 * (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, ...:
 * the SDK reads them itself). Returns what flushes and stops it, or undefined
 * when tracing is off. The SDK is an optional peer dependency, loaded only
 * then: it is large, and most apps do not trace.
 */
export async function startTelemetry(): Promise<(() => Promise<void>) | undefined> {
  if (!tracingFromEnv()) return undefined
  let sdkModule: typeof OpenTelemetrySdk
  try {
    sdkModule = await import('@opentelemetry/sdk-node')
  } catch (error) {
    if (isMissing(error, SDK)) {
      const variable = TRACING_VARIABLES.find((name) => process.env[name] !== undefined)
      throw new DaraError(
        'DARA_ERR_TRACING_SDK_MISSING',
        variable === undefined ? 'The environment' : `${variable}=${process.env[variable]}`,
      )
    }
    throw error
  }
  const sdk = new sdkModule.NodeSDK()
  sdk.start()
  return () => sdk.shutdown()
}

/** Whether import() failed because `name` itself is not installed (not one of its own imports). */
function isMissing(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    error.code === 'ERR_MODULE_NOT_FOUND' &&
    error.message.includes(`'${name}'`)
  )
}
