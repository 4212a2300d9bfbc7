// The soak: `dara start` on the every-route app in its own process, autocannon
// at 50 connections cycling through a request of every route kind (and, on
// purpose, five the client gets wrong), the server's RSS read from /proc while
// it runs. Used by soak.test.ts (the quick form, in CI) and by `npm run soak`.
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

export interface SoakOptions {
  /** The running server's base URL, `http://127.0.0.1:PORT`. */
  readonly url: string
  /** The server's process id, to read its RSS. */
  readonly pid: number
  readonly seconds: number
  /** Load before the measured run, so RSS is compared once the JIT and the heap have settled. */
  readonly warmupSeconds: number
  readonly connections: number
  /** A session token of the server, for the authenticated routes. */
  readonly token: string
}

export interface SoakResult {
  readonly requests: number
  readonly byClass: { readonly '2xx': number; readonly '4xx': number; readonly '5xx': number }
  /** How many answers of each status came back. */
  readonly statuses: Readonly<Record<string, number>>
  readonly errors: number
  readonly timeouts: number
  /** RSS in MiB: after the warm-up (warm), at its peak during the run, at its end. */
  readonly rssMiB: { readonly warm: number; readonly peak: number; readonly end: number }
}

interface MixEntry {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly body?: string
  readonly headers?: Record<string, string>
  readonly auth?: boolean
  /** The status it gets; a 4xx marks a request the client gets wrong on purpose. */
  readonly status: number
}

const JSON_TYPE = { 'content-type': 'application/json' }
const ITEM = JSON.stringify({ name: 'lamp', price: 12.5, tags: ['desk'] })

/** One request of each route kind, and five the client gets wrong on purpose. */
export const MIX: readonly MixEntry[] = [
  { method: 'GET', path: '/api/hello', status: 200 },
  { method: 'GET', path: '/api/items/7?verbose=1&fields=a&fields=b', status: 200 },
  { method: 'POST', path: '/api/items', body: ITEM, headers: JSON_TYPE, auth: true, status: 201 },
  {
    method: 'PUT',
    path: '/api/items/3',
    body: ITEM,
    headers: { ...JSON_TYPE, 'if-match': '"4"' },
    auth: true,
    status: 200,
  },
  { method: 'DELETE', path: '/api/items/4', auth: true, status: 204 },
  {
    method: 'PATCH',
    path: '/api/notes/1',
    body: JSON.stringify({ text: 'hello' }),
    headers: { ...JSON_TYPE, 'x-role': 'editor', 'x-request-tag': 'soak' },
    auth: true,
    status: 200,
  },
  { method: 'GET', path: '/api/price?amount=12', status: 200 },
  {
    method: 'POST',
    path: '/api/echo',
    body: JSON.stringify({ a: [1, 2, { b: 'c' }] }),
    headers: JSON_TYPE,
    status: 200,
  },
  {
    method: 'POST',
    path: '/api/text',
    body: 'some text',
    headers: { 'content-type': 'text/plain' },
    status: 200,
  },
  { method: 'GET', path: '/api/files/a/b/c.txt', status: 200 },
  { method: 'GET', path: '/api/stream', status: 200 },
  {
    method: 'POST',
    path: '/api/items',
    body: '{"name":""}',
    headers: JSON_TYPE,
    auth: true,
    status: 422,
  },
  { method: 'GET', path: '/api/items/abc', status: 422 },
  { method: 'GET', path: '/api/nothing-here', status: 404 },
  { method: 'POST', path: '/api/items', body: ITEM, headers: JSON_TYPE, status: 401 },
  {
    method: 'POST',
    path: '/api/echo',
    body: `${'['.repeat(500)}${']'.repeat(500)}`,
    headers: JSON_TYPE,
    status: 400,
  },
]

/** The resident set of a process, in MiB, from /proc (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1])
  return kb / 1024
}

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const requests = MIX.map((entry) => ({
    method: entry.method,
    path: entry.path,
    ...(entry.body === undefined ? {} : { body: entry.body }),
    headers: {
      ...entry.headers,
      ...(entry.auth ? { authorization: `Bearer ${options.token}` } : {}),
    },
  }))
  // A variable, not a literal: bench/autocannon.d.ts declares only the options the
  // bench uses, and autocannon also takes `requests`, a cycle run by each connection.
  const run = {
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests,
  }
  await autocannon({ ...run, duration: options.warmupSeconds })
  const samples: number[] = [rssOf(options.pid)]
  const timer = setInterval(() => samples.push(rssOf(options.pid)), 250)
  let result
  try {
    result = await autocannon(run)
  } finally {
    clearInterval(timer)
  }
  samples.push(rssOf(options.pid))
  return {
    requests: result.requests.total,
    byClass: {
      '2xx': count(result, '2xx'),
      '4xx': count(result, '4xx'),
      '5xx': count(result, '5xx'),
    },
    statuses: statusCounts(result),
    errors: result.errors,
    timeouts: result.timeouts,
    rssMiB: {
      warm: round(samples[0] ?? 0),
      peak: round(Math.max(...samples)),
      end: round(samples.at(-1) ?? 0),
    },
  }
}

/** autocannon's `statusCodeStats`, `{ "200": { count } }`, as `{ "200": count }`. */
function statusCounts(result: object): Record<string, number> {
  const stats: unknown = Reflect.get(result, 'statusCodeStats')
  const out: Record<string, number> = {}
  if (typeof stats !== 'object' || stats === null) return out
  for (const [status, entry] of Object.entries(stats)) {
    const n: unknown = typeof entry === 'object' && entry !== null ? Reflect.get(entry, 'count') : 0
    out[status] = typeof n === 'number' ? n : 0
  }
  return out
}

/** A count autocannon reports by status class; bench/autocannon.d.ts does not declare them. */
function count(result: object, key: '2xx' | '4xx' | '5xx'): number {
  const value: unknown = Reflect.get(result, key)
  if (typeof value !== 'number') throw new Error(`autocannon reported no ${key} count`)
  return value
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
