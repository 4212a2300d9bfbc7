import { AsyncResource } from 'node:async_hooks'
import { Readable } from 'node:stream'

/** One Server-Sent Event. `data` that is not a string is sent as JSON. */
export interface SseEvent {
  readonly data: unknown
  /** The event's type: the client listens with `addEventListener(event, ...)`. */
  readonly event?: string
  /** Sent back by a reconnecting client as `Last-Event-ID`. */
  readonly id?: string
  /** How long the client waits before it reconnects, in milliseconds. */
  readonly retry?: number
}

export interface SseOptions {
  /**
   * Milliseconds of silence after which a comment line (`: heartbeat`) is sent,
   * so that proxies and clients keep the connection open; `0` sends none.
   * Default 15000.
   */
  readonly heartbeatMs?: number
}

const EVENT_KEYS = new Set(['data', 'event', 'id', 'retry'])
const DEFAULT_HEARTBEAT_MS = 15_000

function isEvent(value: unknown): value is SseEvent {
  return (
    typeof value === 'object' &&
    value !== null &&
    'data' in value &&
    Object.keys(value).every((key) => EVENT_KEYS.has(key))
  )
}

/** A field's value may not hold a line break: it would end the field. */
function field(name: string, value: string): string {
  return `${name}: ${value.replace(/[\r\n]+/g, ' ')}\n`
}

/** The wire form of one event: a string's lines each become a `data:` line. */
export function formatEvent(value: unknown): string {
  const event: SseEvent = isEvent(value) ? value : { data: value }
  let out = ''
  if (event.id !== undefined) out += field('id', event.id)
  if (event.event !== undefined) out += field('event', event.event)
  if (event.retry !== undefined) out += field('retry', String(Math.trunc(event.retry)))
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data ?? null)
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return `${out}\n`
}

/**
 * A Server-Sent Events response, as `sse()` makes it. It pulls the next event
 * only when the client has taken the last one (backpressure), and stops the
 * producer (its iterator's `return()`) when the client goes away.
 */
export class SseStream extends Readable {
  readonly #next: () => Promise<IteratorResult<unknown>>
  readonly #stop: () => Promise<unknown>
  readonly #heartbeat: NodeJS.Timeout | undefined
  #pulling = false
  #done = false
  #lastWrite = Date.now()

  constructor(source: AsyncIterable<unknown> | Iterable<unknown>, options: SseOptions = {}) {
    super()
    const iterator =
      Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()
    // The producer runs in the context of the handler that made the stream, so
    // USER and SESSION stay the request's, whichever socket event asks for more.
    this.#next = AsyncResource.bind(async () => iterator.next())
    this.#stop = AsyncResource.bind(async () => iterator.return?.())
    const every = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
    if (every > 0) {
      this.#heartbeat = setInterval(() => {
        // A client still busy with earlier bytes knows the connection is alive.
        if (Date.now() - this.#lastWrite < every || this.readableLength > 0) return
        this.#write(': heartbeat\n\n')
      }, every)
      this.#heartbeat.unref()
    }
  }

  #write(text: string): boolean {
    this.#lastWrite = Date.now()
    return this.push(text)
  }

  override _read(): void {
    if (this.#pulling || this.#done) return
    this.#pulling = true
    this.#next().then(
      (result) => {
        this.#pulling = false
        if (this.destroyed) return
        if (result.done) {
          this.#done = true
          clearInterval(this.#heartbeat)
          this.push(null)
        } else {
          this.#write(formatEvent(result.value))
        }
      },
      (error: unknown) => {
        this.#pulling = false
        this.#done = true
        this.destroy(error instanceof Error ? error : new Error(String(error)))
      },
    )
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearInterval(this.#heartbeat)
    if (this.#done) {
      callback(error)
      return
    }
    this.#done = true
    this.#stop().then(
      () => callback(error),
      (stopError: unknown) =>
        callback(error ?? (stopError instanceof Error ? stopError : new Error(String(stopError)))),
    )
  }
}

/**
 * Sends what `source` yields as Server-Sent Events (`text/event-stream`),
 * with a heartbeat comment when it is quiet. Each value is an event: a string
 * is sent as its data, an object `{ data, event?, id?, retry? }` with its
 * fields, any other value as JSON data. When the client disconnects, the
 * source's `return()` is called (a generator's `finally` runs), and the
 * route's dependency cleanups run once the stream has ended either way.
 *
 * @example
 * ```ts
 * import { get, sse } from 'dara-ts/http'
 *
 * export const ticks = get('/ticks', () =>
 *   sse(
 *     (async function* () {
 *       for (let i = 1; i <= 3; i++) {
 *         yield { event: 'tick', data: { i } }
 *         await new Promise((resolve) => setTimeout(resolve, 1000))
 *       }
 *     })(),
 *   ),
 * )
 * ```
 */
export function sse(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  options?: SseOptions,
): SseStream {
  return new SseStream(source, options)
}
