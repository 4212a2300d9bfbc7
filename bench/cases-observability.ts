// The cost of metrics and tracing: the "dara-ts" case again with each one on,
// measured against "dara-ts" itself (the budget is 5% of its throughput).
// run.ts appends these to its cases.

export const OBSERVABILITY_CASES = [
  {
    label: 'dara-ts + metrics',
    server: 'dara-hello-metrics.ts',
    path: '/api/hello',
    authenticated: false,
    baseline: 'dara-ts',
  },
  {
    label: 'dara-ts + tracing',
    server: 'dara-hello-tracing.ts',
    path: '/api/hello',
    authenticated: false,
    baseline: 'dara-ts',
  },
  {
    label: 'dara-ts + tracing 10%',
    server: 'dara-hello-tracing-sampled.ts',
    path: '/api/hello',
    authenticated: false,
    baseline: 'dara-ts',
  },
] as const
