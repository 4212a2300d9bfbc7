import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DaraError } from '../errors.ts'
import { HttpError } from '../http/http-error.ts'
import { AppFault, ValidationError } from './pipeline.ts'

const WWW_AUTHENTICATE: Partial<Record<DaraError['code'], string>> = {
  DARA_ERR_AUTH_NO_CREDENTIALS: 'Bearer realm="dara"',
  DARA_ERR_AUTH_SCHEME: 'Bearer realm="dara"',
  DARA_ERR_AUTH_MALFORMED: 'Bearer realm="dara", error="invalid_token"',
  DARA_ERR_AUTH_INVALID: 'Bearer realm="dara", error="invalid_token"',
  DARA_ERR_AUTH_EXPIRED: 'Bearer realm="dara", error="invalid_token"',
  DARA_ERR_METRICS_TOKEN: 'Bearer realm="dara-metrics"',
  DARA_ERR_AUTH_REVOKED: 'Bearer realm="dara", error="invalid_token"',
  DARA_ERR_AUTH_SESSION_LOST: 'Bearer realm="dara", error="invalid_token"',
  DARA_ERR_AUTH_USER_CHANGED: 'Bearer realm="dara", error="invalid_token"',
  DARA_ERR_AUTH_ADMIN: 'DaraAdmin realm="dara"',
}

/**
 * One body for every error: `{ detail }`. A client's mistake keeps its status
 * and says what was wrong; anything else is a 500 whose cause goes to the log only.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): unknown {
  // The handler may have chosen another type (text/plain, a Response's) before it
  // failed; the error body is JSON whatever it chose.
  void reply.type('application/json; charset=utf-8')
  if (error instanceof HttpError) {
    if (error.status >= 500) request.log.error({ err: error }, 'Handler answered %d', error.status)
    return reply.code(error.status).headers(error.headers).send({ detail: error.detail })
  }
  if (error instanceof ValidationError) {
    return reply.code(422).send({ detail: error.issues })
  }
  if (error instanceof AppFault) return internal(error.cause, request, reply)
  // A DaraError of status 500 is a start-time error that escaped to a request: a fault.
  if (error instanceof DaraError && error.status !== 500) {
    const challenge = WWW_AUTHENTICATE[error.code]
    if (challenge) reply.header('www-authenticate', challenge)
    reply.headers(error.headers)
    // Without the query: the request's own line (same reqId) has it, its values redacted.
    if (error.status >= 500)
      request.log.error({ reason: error.code, url: request.url.split('?', 1)[0] }, error.detail)
    if (error.status === 401)
      request.log.info({ reason: error.code }, 'Request refused: %s', error.detail)
    return reply.code(error.status).send({ detail: error.detail, code: error.code })
  }
  if (isClientError(error)) return reply.code(error.statusCode).send({ detail: error.message })
  return internal(error, request, reply)
}

function internal(error: unknown, request: FastifyRequest, reply: FastifyReply): unknown {
  request.log.error({ err: error }, 'Unhandled error')
  return reply.code(500).send({ detail: 'Internal Server Error' })
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): unknown {
  const path = request.url.split('?', 1)[0] ?? ''
  const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path
  const detail =
    path === '/api' || path.startsWith('/api/')
      ? `API endpoint not found: ${request.method} ${shown}`
      : 'Not Found'
  return reply.code(404).send({ detail })
}

/** Fastify's own client errors: bad JSON (400), too large (413), unsupported media type (415). */
function isClientError(error: unknown): error is Error & { statusCode: number } {
  return (
    error instanceof Error &&
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode >= 400 &&
    error.statusCode < 500
  )
}

/** `{ detail, code }` for every error a route throws, and for every path no route has. */
export function errorAnswers(app: FastifyInstance): void {
  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
}
