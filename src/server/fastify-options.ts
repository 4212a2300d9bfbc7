import type { Server } from 'node:http'
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyHttpOptions,
  type FastifyRequest,
} from 'fastify'
import type { AppPlan } from './app-plan.ts'
import { clientErrorHandler, frameworkErrorHandler } from './client-errors.ts'
import { buildSerializer } from './lazy-serializer.ts'
import { checkingInterval } from './limits.ts'
import type { QueryRedaction } from './query-redaction.ts'
import { requestLoggerFactory } from './request-logger.ts'

/**
 * Fastify's request logging is off, and with it the one line it writes when a
 * streamed body fails after its headers went out: the app's fault, logged here.
 */
class QuietLogController extends LogController {
  readonly #redaction: QueryRedaction
  constructor(redaction: QueryRedaction) {
    super({ disableRequestLogging: true })
    this.#redaction = redaction
  }
  override streamError(error: Error, request: FastifyRequest): void {
    const url = this.#redaction.url(request.url)
    if ('code' in error && error.code === 'ERR_STREAM_PREMATURE_CLOSE') {
      request.log.info({ url }, 'The client closed the connection during a stream')
      return
    }
    request.log.error({ err: error, url }, 'A streamed response failed after its first bytes')
  }
}

/** The options Fastify itself is made with: limits, timeouts, logging, the proxy trusted. */
export function fastifyOptions(plan: AppPlan): FastifyHttpOptions<Server, FastifyBaseLogger> {
  const { limits, trust, headers, redaction } = plan
  return {
    loggerInstance: plan.logger,
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    http: {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeout,
      connectionsCheckingInterval: checkingInterval(limits),
      // The security feature refuses a request without Host with the usual body; Node's own refusal has none.
      requireHostHeader: false,
    },
    routerOptions: { maxParamLength: limits.maxParamLength },
    clientErrorHandler: clientErrorHandler(limits, plan.ownTime),
    frameworkErrors: frameworkErrorHandler(limits, headers),
    // The security feature answers requests that arrive while closing, with the usual body.
    return503OnClosing: false,
    schemaController: { compilersFactory: { buildSerializer } },
    ...(trust === undefined ? {} : { trustProxy: trust }),
    // One line per request, written by the request-log feature, instead of Fastify's two.
    logController: new QuietLogController(redaction),
    // request.log is made on its first line: most requests write none.
    childLoggerFactory: requestLoggerFactory,
  }
}
