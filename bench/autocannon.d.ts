// autocannon ships no types and @types/autocannon is not a dependency: this
// declares the part of its programmatic API that bench/load.ts uses.
declare module 'autocannon' {
  interface Options {
    url: string
    method?: string
    body?: string
    connections?: number
    duration?: number
    headers?: Record<string, string>
  }
  interface Histogram {
    p50: number
    p99: number
    total: number
  }
  interface Result {
    /** Seconds. */
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    /** Milliseconds, recorded as whole numbers. */
    latency: Histogram
    requests: Histogram
  }
  function autocannon(options: Options): PromiseLike<Result>
  export default autocannon
}
