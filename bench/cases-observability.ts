// The cost of metrics and tracing: the "dara-ts hello" case again with each one
// on, compared with it (the budget is 5% of its throughput). cases.ts lists them
// after its own.
import type { BenchCase } from './cases.ts'
const HELLO_BODY = JSON.stringify('Hello World')

export const OBSERVABILITY_SERVERS = {
  'dara-hello-metrics': { runtime: 'node', file: 'servers/dara-hello-metrics.ts' },
  'dara-hello-tracing': { runtime: 'node', file: 'servers/dara-hello-tracing.ts' },
  'dara-hello-tracing-sampled': { runtime: 'node', file: 'servers/dara-hello-tracing-sampled.ts' },
} as const

function observed(
  id: string,
  label: string,
  server: keyof typeof OBSERVABILITY_SERVERS,
): BenchCase {
  return {
    id,
    label,
    server,
    method: 'GET',
    path: '/api/hello',
    expected: HELLO_BODY,
    versus: 'dara-hello',
  }
}

export const OBSERVABILITY_CASES: readonly BenchCase[] = [
  observed('dara-metrics', 'dara-ts hello + metrics', 'dara-hello-metrics'),
  observed('dara-tracing', 'dara-ts hello + tracing', 'dara-hello-tracing'),
  observed('dara-tracing-10', 'dara-ts hello + tracing 10%', 'dara-hello-tracing-sampled'),
]
