import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DaraError } from '../errors.ts'
import type { ResolvedLimits } from './limits.ts'
import type { HeaderSets } from './security.ts'

/**
 * Answers what Node's HTTP parser refuses before any route sees it (a request
 * too slow, headers too large, bytes that are not HTTP) with the same
 * `{ detail, code }` body as every other error, then closes the socket. Fastify's
 * default answers another body shape.
 */
export function clientErrorHandler(limits: ResolvedLimits) {
  return function onClientError(this: FastifyInstance, error: Error, socket: Socket): void {
    const code = 'code' in error ? String(error.code) : ''
    // A reset connection, or one already closed: there is no one left to answer.
    if (code === 'ECONNRESET' || socket.destroyed) return
    const refusal = refusalOf(code, limits)
    this.log.info({ reason: refusal.code, cause: code }, 'Client error: %s', refusal.detail)
    if (socket.writable) {
      const body = JSON.stringify({ detail: refusal.detail, code: refusal.code })
      socket.write(
        `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Error'}\r\n` +
          'content-type: application/json; charset=utf-8\r\n' +
          'x-content-type-options: nosniff\r\n' +
          'connection: close\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    }
    socket.destroy()
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
}

function refusalOf(code: string, limits: ResolvedLimits): DaraError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new DaraError('DARA_ERR_REQUEST_SLOW', limits.headersTimeout, limits.requestTimeout)
    case 'HPE_HEADER_OVERFLOW':
      return new DaraError('DARA_ERR_HEADERS_TOO_LARGE', limits.maxHeaderSize)
    default:
      return new DaraError('DARA_ERR_BAD_REQUEST', code || 'not HTTP/1.1')
  }
}

/**
 * What Fastify's router refuses before any hook runs (a path that does not
 * decode, a parameter past maxParamLength), answered like every other error.
 */
export function frameworkErrorHandler(limits: ResolvedLimits, sets: HeaderSets) {
  return function onFrameworkError(
    error: FastifyError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const path = request.raw.url ?? ''
    const shown = JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}...` : path)
    const refusal =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new DaraError('DARA_ERR_PARAM_TOO_LONG', limits.maxParamLength)
        : error.code === 'FST_ERR_BAD_URL'
          ? new DaraError('DARA_ERR_BAD_URL', shown)
          : new DaraError('DARA_ERR_BAD_REQUEST', error.message)
    void reply
      .headers(path.startsWith('/api') ? sets.api : sets.ui)
      .code(refusal.status)
      .send({ detail: refusal.detail, code: refusal.code })
  }
}
