import { AsyncResource } from 'node:async_hooks'
import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import { SseStream } from '../http/sse.ts'

function isAsyncIterable(value: object): value is AsyncIterable<unknown> {
  return Symbol.asyncIterator in value && typeof value[Symbol.asyncIterator] === 'function'
}

function isNodeStream(value: object): boolean {
  return 'pipe' in value && typeof value.pipe === 'function'
}

/** A chunk of an async iterable's output: bytes and text as they are, anything else a JSON line. */
function chunk(value: unknown): string | Uint8Array {
  if (typeof value === 'string' || value instanceof Uint8Array) return value
  return `${JSON.stringify(value ?? null)}\n`
}

/**
 * The producer's next() and return() run in the context of the request that
 * returned it, not that of the socket event that asks for more: USER and
 * SESSION stay right for the whole stream.
 */
function boundChunks(source: AsyncIterable<unknown>): AsyncIterableIterator<string | Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  const next = AsyncResource.bind(async (): Promise<IteratorResult<string | Uint8Array>> => {
    const result = await iterator.next()
    return result.done
      ? { done: true, value: undefined }
      : { done: false, value: chunk(result.value) }
  })
  const stop = AsyncResource.bind(async (): Promise<IteratorResult<string | Uint8Array>> => {
    await iterator.return?.()
    return { done: true, value: undefined }
  })
  return {
    next,
    return: stop,
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

/**
 * The stream to send for a handler's result, or undefined when it is not a
 * streaming result. An `sse()` stream gets its event-stream headers; an async
 * iterable (a generator) becomes a stream that pulls a value only when the
 * client has taken the previous one, and whose producer is stopped (its
 * `return()`) when the client disconnects. Node and web streams are sent by
 * Fastify as they are.
 */
export function streamBody(reply: FastifyReply, result: object): Readable | undefined {
  if (result instanceof SseStream) {
    reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      // Nginx and similar proxies buffer responses unless told otherwise.
      .header('x-accel-buffering', 'no')
    return result
  }
  if (isNodeStream(result) || result instanceof ReadableStream || !isAsyncIterable(result)) {
    return undefined
  }
  if (!reply.hasHeader('content-type')) reply.type('application/x-ndjson; charset=utf-8')
  return Readable.from(boundChunks(result))
}
