// The cost of metrics and tracing: a dara-ts case again with each one on,
// compared with it (the budget is 5% of its throughput). Tracing runs as
// `dara start` runs it under OTEL_* variables (see servers/tracing.ts): every
// request sampled, and one trace in ten kept (parentbased_traceidratio), the
// usual setting in production. cases.ts lists them after its own.
import type { BenchCase } from './cases.ts'
const HELLO_BODY = JSON.stringify('Hello World')

/** The SDK's sampler, from the standard variables; its metrics and logs off. */
const sampled = (sampler: string, arg?: string): Readonly<Record<string, string>> => ({
  BENCH_TRACING: '1',
  OTEL_TRACES_SAMPLER: sampler,
  ...(arg === undefined ? {} : { OTEL_TRACES_SAMPLER_ARG: arg }),
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
})
const ALL = sampled('always_on')
const ONE_IN_TEN = sampled('parentbased_traceidratio', '0.1')

export const OBSERVABILITY_SERVERS = {
  'dara-hello-metrics': { runtime: 'node', file: 'servers/dara-hello-metrics.ts' },
  'dara-hello-tracing': { runtime: 'node', file: 'servers/dara-hello.ts', env: ALL },
  'dara-hello-tracing-10': { runtime: 'node', file: 'servers/dara-hello.ts', env: ONE_IN_TEN },
  'dara-auth-tracing': { runtime: 'node', file: 'servers/dara-auth.ts', env: ALL },
  'dara-auth-tracing-10': { runtime: 'node', file: 'servers/dara-auth.ts', env: ONE_IN_TEN },
} as const

function hello(id: string, label: string, server: keyof typeof OBSERVABILITY_SERVERS): BenchCase {
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

function auth(id: string, label: string, server: keyof typeof OBSERVABILITY_SERVERS): BenchCase {
  return {
    id,
    label,
    server,
    method: 'GET',
    path: '/api/hello-auth',
    credential: 'dara',
    expected: HELLO_BODY,
    versus: 'dara-auth',
  }
}

export const OBSERVABILITY_CASES: readonly BenchCase[] = [
  hello('dara-metrics', 'dara-ts hello + metrics', 'dara-hello-metrics'),
  hello('dara-tracing', 'dara-ts hello + tracing', 'dara-hello-tracing'),
  hello('dara-tracing-10', 'dara-ts hello + tracing 10%', 'dara-hello-tracing-10'),
  auth('dara-auth-tracing', 'dara-ts auth + tracing', 'dara-auth-tracing'),
  auth('dara-auth-tracing-10', 'dara-ts auth + tracing 10%', 'dara-auth-tracing-10'),
]
