import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify'
import { DaraError } from '../errors.ts'
import type { AppPlan } from './app-plan.ts'
import { lingerAfterAnswer } from './linger.ts'

/** Which browsers may call the API from other origins. Off unless given. */
export interface CorsOptions {
  /** Exact origins (`https://app.example.com`), or `['*']` for any origin without credentials. */
  readonly origins: readonly string[]
  /** Let those origins send cookies and read the answers (`Access-Control-Allow-Credentials`). Default false. */
  readonly credentials?: boolean
}

/** The headers every answer carries; the UI's content security policy may be replaced. */
export interface SecurityHeaderOptions {
  /** The Content-Security-Policy of pages outside `/api`; `false` sends none. */
  readonly contentSecurityPolicy?: string | false
  /**
   * The Strict-Transport-Security of answers over https (direct, or as a trusted
   * proxy reports it; never over http). Default `max-age=31536000; includeSubDomains`;
   * `false` sends none.
   */
  readonly strictTransportSecurity?: string | false
}

/** One year, subdomains included: helmet's default, and what HSTS preload lists ask for. */
const HSTS = 'max-age=31536000; includeSubDomains'

/** An API answers JSON: nothing in it may run, load, or be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'"
/** The UI loads its own scripts, styles and data, from its own origin only. */
export const UI_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
].join('; ')

const COMMON = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}

const CLOSING = new DaraError('DARA_ERR_CLOSING')
const NO_HOST = new DaraError('DARA_ERR_BAD_REQUEST', 'an HTTP/1.1 request needs a Host header')

/** The static headers of every answer: one set for the API, one for UI pages. */
export interface HeaderSets {
  readonly api: Readonly<Record<string, string>>
  readonly ui: Readonly<Record<string, string>>
  /** Strict-Transport-Security, for answers over https only. */
  readonly hsts: string | undefined
}

export function headerSets(options: SecurityHeaderOptions): HeaderSets {
  const csp = options.contentSecurityPolicy ?? UI_CSP
  const hsts = options.strictTransportSecurity ?? HSTS
  return {
    api: { ...COMMON, 'content-security-policy': API_CSP },
    ui: csp === false ? COMMON : { ...COMMON, 'content-security-policy': csp },
    hsts: hsts === false ? undefined : hsts,
  }
}

/**
 * One onRequest hook for every route, 404s included: static headers set from
 * two prepared objects (no work per request but a prefix test), and HSTS on
 * answers over https (a browser ignores it over http, where anyone on the path
 * could have sent it); once the app
 * is closing, a 503 `{ detail }` for requests that arrive on a kept-alive
 * connection (Fastify's own closing answer has another body, so it is turned
 * off); and a 400 `{ detail }` for an HTTP/1.1 request without Host.
 */
export function securityHooks(
  app: FastifyInstance,
  sets: HeaderSets,
  isClosing: () => boolean,
  behindProxy: boolean,
): void {
  const { api, ui } = sets
  // The app's own server speaks http: only a trusted proxy can say a request came over https.
  const hsts = behindProxy ? sets.hsts : undefined
  app.addHook(
    'onRequest',
    function securityHeaders(
      request: FastifyRequest,
      reply: FastifyReply,
      done: HookHandlerDoneFunction,
    ): void {
      void reply.headers(request.url.startsWith('/api') ? api : ui)
      // A request that declares a body may be answered before it has all
      // arrived: its rest is read away after the answer (see linger.ts). The
      // listener goes on Node's own 'finish', in the same turn as Node's end of
      // the answer, before a `Connection: close` closes the socket.
      if (
        request.headers['content-length'] !== undefined ||
        request.headers['transfer-encoding'] !== undefined
      ) {
        reply.raw.once('finish', () => lingerAfterAnswer(request.raw))
      }
      if (hsts !== undefined && request.protocol === 'https') {
        void reply.header('strict-transport-security', hsts)
      }
      if (isClosing()) {
        void reply
          .code(503)
          .header('connection', 'close')
          .send({ detail: CLOSING.detail, code: CLOSING.code })
        return
      }
      // Node answers this itself, with an empty body, unless told not to (requireHostHeader).
      if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
        void reply
          .code(400)
          .header('connection', 'close')
          .send({ detail: NO_HOST.detail, code: NO_HOST.code })
        return
      }
      done()
    },
  )
}

/**
 * Throws DARA_ERR_SERVER_OPTION_INVALID for origins that are not exact origins,
 * or for `*` with credentials; returns the options unchanged.
 */
export function checkCors(options: CorsOptions | undefined): CorsOptions | undefined {
  if (!options || options.origins.length === 0) return options
  if (options.origins.includes('*') && options.credentials) {
    throw new DaraError(
      'DARA_ERR_SERVER_OPTION_INVALID',
      'cors.origins',
      'a list of exact origins when credentials are allowed',
      '"*"',
    )
  }
  for (const origin of options.origins) {
    if (origin !== '*' && !isOrigin(origin)) {
      throw new DaraError(
        'DARA_ERR_SERVER_OPTION_INVALID',
        'cors.origins',
        'a list of origins such as https://app.example.com (scheme, host, optional port)',
        JSON.stringify(origin),
      )
    }
  }
  return options
}

/** Registers @fastify/cors for the origins given (checked by checkCors); with none, CORS stays off and no header is sent. */
export function registerCors(app: FastifyInstance, options: CorsOptions | undefined): void {
  if (!options || options.origins.length === 0) return
  const any = options.origins.includes('*')
  // Loaded only when CORS is on; Fastify registers the module's default export.
  void app.register(import('@fastify/cors'), {
    origin: any ? '*' : [...options.origins],
    credentials: options.credentials ?? false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  })
}

/** An exact origin: http or https, host, optional port, nothing after. */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value
  } catch {
    return false
  }
}

/** `DARA_CORS_ORIGINS`, a comma-separated list, as CorsOptions; `DARA_CORS_CREDENTIALS=1` allows cookies. */
export function corsFromEnv(env: NodeJS.ProcessEnv = process.env): CorsOptions | undefined {
  const raw = env['DARA_CORS_ORIGINS']
  if (raw === undefined || raw.trim() === '') return undefined
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  const credentials =
    env['DARA_CORS_CREDENTIALS'] === '1' || env['DARA_CORS_CREDENTIALS'] === 'true'
  return { origins, credentials }
}

/** The headers and refusals of every answer, and CORS when origins are given. */
export function security(app: FastifyInstance, plan: AppPlan): void {
  securityHooks(
    app,
    plan.headers,
    () => plan.lifecycle.phase === 'closing',
    plan.trust !== undefined,
  )
  registerCors(app, plan.cors)
}
