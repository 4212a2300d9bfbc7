import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DaraError } from '../errors.ts'
import type { ResolvedLimits } from './limits.ts'
import { isLingering, lingerAfterRefusal } from './linger.ts'
import { cameByUpgrade, closeAfterAnswer } from './upgrade-connection.ts'
import type { HeaderSets } from './security.ts'

/** The sockets whose request keeps its own time (an upload): Node's request timeout leaves them alone. */
export type OwnTimeSockets = WeakSet<Socket>

/**
 * Answers what Node's HTTP parser refuses before any route sees it (a request
 * too slow, headers too large, bytes that are not HTTP) with the same
 * `{ detail, code }` body as every other error, then closes the socket. Fastify's
 * default answers another body shape. A request never gets two answers: one
 * that has its answer already (a refusal whose body is still being read away,
 * an upload answered 408) is closed without another.
 */
export function clientErrorHandler(limits: ResolvedLimits, ownTime: OwnTimeSockets) {
  return function onClientError(this: FastifyInstance, error: Error, socket: Socket): void {
    const code = 'code' in error ? String(error.code) : ''
    // A reset connection, or one already closed: there is no one left to answer.
    if (code === 'ECONNRESET' || socket.destroyed) return
    // The request has its answer and the rest of its body is being read away
    // (LINGER), or it is an upload, which bounds itself by its progress.
    if (isLingering(socket) || (code === 'ERR_HTTP_REQUEST_TIMEOUT' && ownTime.has(socket))) return
    const refusal = refusalOf(code, limits)
    this.log.info({ reason: refusal.code, cause: code }, 'Client error: %s', refusal.detail)
    if (socket.writable && !answering(socket)) {
      const body = JSON.stringify({ detail: refusal.detail, code: refusal.code })
      socket.write(
        `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Error'}\r\n` +
          'content-type: application/json; charset=utf-8\r\n' +
          'x-content-type-options: nosniff\r\n' +
          'connection: close\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    }
    // A client too slow gets no more time. Past a parse error the parser reads
    // no further request from this connection, so what the client still sends
    // can be left to arrive (and be dropped) while it reads the refusal.
    if (code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.destroy()
    else lingerAfterRefusal(socket)
  }
}

/**
 * Whether an answer to the socket's current request has started: Node's own
 * client-error handler checks the same (its `_httpMessage`, the response that
 * holds the socket) before it writes a refusal.
 */
function answering(socket: Socket): boolean {
  const response: unknown = Reflect.get(socket, '_httpMessage')
  return (
    typeof response === 'object' &&
    response !== null &&
    'headersSent' in response &&
    response.headersSent === true
  )
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
    // A bad URL in a websocket upgrade: no hook runs, the connection is closed here.
    if (cameByUpgrade(request)) closeAfterAnswer(request, reply)
    void reply
      .headers(path.startsWith('/api') ? sets.api : sets.ui)
      .code(refusal.status)
      .send({ detail: refusal.detail, code: refusal.code })
  }
}
