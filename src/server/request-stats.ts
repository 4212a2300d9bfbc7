/**
 * Request counts and durations by method, route and status, kept in plain
 * arrays on the request path (an increment and a bucket search) and written in
 * Prometheus' text format only when scraped. prom-client's own counters hash
 * and validate their labels on every call, which costs more than the request
 * itself is allowed to.
 */

/** Upper bounds in seconds, as Prometheus' default buckets reach from 1 ms to 10 s. */
export const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Series {
  readonly labels: string
  count: number
  sum: number
  /** Observations at or under each bound, not cumulated (cumulated when written). */
  readonly buckets: number[]
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

export class RequestStats {
  readonly #series = new Map<string, Series>()

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`
    let series = this.#series.get(key)
    if (series === undefined) {
      series = {
        labels: `method="${escape(method)}",route="${escape(route)}",status="${status}"`,
        count: 0,
        sum: 0,
        buckets: BUCKETS.map(() => 0),
      }
      this.#series.set(key, series)
    }
    series.count++
    series.sum += seconds
    const at = BUCKETS.findIndex((bound) => seconds <= bound)
    if (at !== -1) series.buckets[at] = (series.buckets[at] ?? 0) + 1
  }

  /** Both families in the text exposition format, series in the order they first appeared. */
  text(): string {
    const all = [...this.#series.values()]
    const lines = [
      '# HELP dara_http_requests_total HTTP requests answered, by method, route pattern and status',
      '# TYPE dara_http_requests_total counter',
      ...all.map((s) => `dara_http_requests_total{${s.labels}} ${s.count}`),
      '# HELP dara_http_request_duration_seconds Time from request to the end of the response, by method, route pattern and status',
      '# TYPE dara_http_request_duration_seconds histogram',
    ]
    for (const s of all) {
      let cumulated = 0
      BUCKETS.forEach((bound, i) => {
        cumulated += s.buckets[i] ?? 0
        lines.push(
          `dara_http_request_duration_seconds_bucket{le="${bound}",${s.labels}} ${cumulated}`,
        )
      })
      lines.push(`dara_http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`)
      lines.push(`dara_http_request_duration_seconds_sum{${s.labels}} ${s.sum}`)
      lines.push(`dara_http_request_duration_seconds_count{${s.labels}} ${s.count}`)
    }
    return `${lines.join('\n')}\n`
  }
}
