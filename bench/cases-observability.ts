// The cost of metrics and tracing: a dara-ts case again with each one on,
// compared with it (the budget is 5% of its throughput). Tracing runs as
// `dara start` runs it under OTEL_* variables (see servers/tracing.ts): every
// request sampled, and one trace in ten kept (parentbased_traceidratio), the
// usual setting in production. cases.ts makes them into cases, after its own.

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

/** Each case: its id, its label, its server, and the case without it that it is compared with. */
export const OBSERVABILITY_CASES = [
  ['dara-metrics', 'dara-ts hello + metrics', 'dara-hello-metrics', 'dara-hello'],
  ['dara-tracing', 'dara-ts hello + tracing', 'dara-hello-tracing', 'dara-hello'],
  ['dara-tracing-10', 'dara-ts hello + tracing 10%', 'dara-hello-tracing-10', 'dara-hello'],
  ['dara-auth-tracing', 'dara-ts auth + tracing', 'dara-auth-tracing', 'dara-auth'],
  ['dara-auth-tracing-10', 'dara-ts auth + tracing 10%', 'dara-auth-tracing-10', 'dara-auth'],
] as const satisfies readonly (readonly [
  string,
  string,
  keyof typeof OBSERVABILITY_SERVERS,
  'dara-hello' | 'dara-auth',
])[]
