/**
 * Request counts and durations by method, route and status, kept in plain
 * arrays on the request path (a lookup by status, an increment and a bucket
 * search, through a handle each route gets at start) and written in
 * Prometheus' text format only when scraped. prom-client's own counters hash
 * and validate their labels on every call, which costs more than the request
 * itself is allowed to.
 */

/** Upper bounds in seconds, as Prometheus' default buckets reach from 1 ms to 10 s. */
export const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export interface Series {
  readonly labels: string
  count: number
  sum: number
  /** Observations at or under each bound, not cumulated (cumulated when written). */
  readonly buckets: number[]
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/** The series of one method and route, by status: what a route's hook holds, made at start. */
export class RouteStats {
  readonly #byStatus = new Map<number, Series>()
  readonly #stats: RequestStats
  readonly #method: string
  readonly #route: string

  constructor(stats: RequestStats, method: string, route: string) {
    this.#stats = stats
    this.#method = method
    this.#route = route
  }

  observe(status: number, seconds: number): void {
    let series = this.#byStatus.get(status)
    if (series === undefined) {
      series = this.#stats.series(this.#method, this.#route, status)
      this.#byStatus.set(status, series)
    }
    series.count++
    series.sum += seconds
    const { buckets } = series
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= (BUCKETS[i] as number)) {
        buckets[i] = (buckets[i] as number) + 1
        return
      }
    }
  }
}

export class RequestStats {
  readonly #series = new Map<string, Series>()
  readonly #routes = new Map<string, RouteStats>()

  /** The one series of a method, route and status, in the order series first appeared. */
  series(method: string, route: string, status: number): Series {
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
    return series
  }

  /** The counters of one method and route: look them up once, observe through them per request. */
  route(method: string, route: string): RouteStats {
    const key = `${method} ${route}`
    let stats = this.#routes.get(key)
    if (stats === undefined) {
      stats = new RouteStats(this, method, route)
      this.#routes.set(key, stats)
    }
    return stats
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.route(method, route).observe(status, seconds)
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
