import { DaraError } from '../errors.ts'

/**
 * What one request and one client may cost the server. Every limit has a safe
 * default, an option of `createApp`, and an environment variable that `dara start`
 * reads; docs/reliability.md says what each one stops.
 */
export interface ServerLimits {
  /** Largest request body, in bytes: more is refused with 413. Default 1 MiB; `DARA_BODY_LIMIT`. */
  readonly bodyLimit?: number
  /** Largest request line plus headers, in bytes: more is refused with 431. Default 16 KiB; `DARA_MAX_HEADER_SIZE`. */
  readonly maxHeaderSize?: number
  /** Milliseconds a client has to send the request line and headers; then 408 and the socket is closed. Default 10 s; `DARA_HEADERS_TIMEOUT_MS`. */
  readonly headersTimeout?: number
  /** Milliseconds a client has to send the whole request, body included; then 408. Default 30 s; `DARA_REQUEST_TIMEOUT_MS`. */
  readonly requestTimeout?: number
  /** Milliseconds a route's dependencies and handler have to answer; then 503. 0 turns it off. Default 30 s; `DARA_HANDLER_TIMEOUT_MS`. */
  readonly handlerTimeout?: number
  /**
   * Milliseconds an idle keep-alive connection stays open. Default 5 s (Node's);
   * behind a proxy that keeps idle connections to the app longer, set it above
   * the proxy's. `DARA_KEEP_ALIVE_TIMEOUT_MS`.
   */
  readonly keepAliveTimeout?: number
  /** Longest path parameter, in characters: more is refused with 414. Default 100; `DARA_MAX_PARAM_LENGTH`. */
  readonly maxParamLength?: number
  /** Deepest nesting of arrays and objects in a JSON body: more is refused with 400. Default 128; `DARA_MAX_JSON_DEPTH`. */
  readonly maxJsonDepth?: number
  /** Connections open at once; more are closed as they arrive. Default 10,000; `DARA_MAX_CONNECTIONS`. */
  readonly maxConnections?: number
  /**
   * Bytes per second an upload must keep arriving at, measured over each
   * `uploadRateWindow`; slower, it is refused with 408. 0 turns it off.
   * An upload is bounded by this and `uploadTimeout` instead of `requestTimeout`
   * and `handlerTimeout`, so a slow but steady one goes through. Default 4096 (4 KiB/s);
   * `DARA_UPLOAD_MIN_RATE`.
   */
  readonly uploadMinRate?: number
  /** Milliseconds over which `uploadMinRate` is measured. Default 10 s; `DARA_UPLOAD_RATE_WINDOW_MS`. */
  readonly uploadRateWindow?: number
  /** Milliseconds an upload may take in all, however fast it goes; then 408. Default 15 min; `DARA_UPLOAD_TIMEOUT_MS`. */
  readonly uploadTimeout?: number
  /** Largest websocket message, in bytes: a larger one closes the socket with 1009. Default 1 MiB; `DARA_WS_MAX_PAYLOAD`. */
  readonly wsMaxPayload?: number
  /**
   * Messages a second one websocket may send, with a burst of as many; past
   * it the socket is closed with 1008. A route's `messageRate` wins. Default
   * 100; `DARA_WS_MESSAGE_RATE`.
   */
  readonly wsMessageRate?: number
  /**
   * Milliseconds between two checks of each open websocket's session: a socket
   * whose session was revoked or expired is closed with 4401 at most this long
   * after. Default 1 s; `DARA_WS_SESSION_CHECK_MS`.
   */
  readonly wsSessionCheck?: number
}

export type ResolvedLimits = Required<ServerLimits>

export const DEFAULT_LIMITS: ResolvedLimits = {
  bodyLimit: 1024 * 1024,
  maxHeaderSize: 16 * 1024,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  handlerTimeout: 30_000,
  // Fastify's 72 s let each idle client hold a socket (of maxConnections) that long.
  keepAliveTimeout: 5_000,
  maxParamLength: 100,
  maxJsonDepth: 128,
  maxConnections: 10_000,
  uploadMinRate: 4096,
  uploadRateWindow: 10_000,
  uploadTimeout: 15 * 60_000,
  wsMaxPayload: 1024 * 1024,
  wsMessageRate: 100,
  wsSessionCheck: 1000,
}

const ENV: Record<keyof ServerLimits, string> = {
  bodyLimit: 'DARA_BODY_LIMIT',
  maxHeaderSize: 'DARA_MAX_HEADER_SIZE',
  headersTimeout: 'DARA_HEADERS_TIMEOUT_MS',
  requestTimeout: 'DARA_REQUEST_TIMEOUT_MS',
  handlerTimeout: 'DARA_HANDLER_TIMEOUT_MS',
  keepAliveTimeout: 'DARA_KEEP_ALIVE_TIMEOUT_MS',
  maxParamLength: 'DARA_MAX_PARAM_LENGTH',
  maxJsonDepth: 'DARA_MAX_JSON_DEPTH',
  maxConnections: 'DARA_MAX_CONNECTIONS',
  uploadMinRate: 'DARA_UPLOAD_MIN_RATE',
  uploadRateWindow: 'DARA_UPLOAD_RATE_WINDOW_MS',
  uploadTimeout: 'DARA_UPLOAD_TIMEOUT_MS',
  wsMaxPayload: 'DARA_WS_MAX_PAYLOAD',
  wsMessageRate: 'DARA_WS_MESSAGE_RATE',
  wsSessionCheck: 'DARA_WS_SESSION_CHECK_MS',
}

/** Only these may be 0, which turns them off; a 0 elsewhere would mean "no limit" by accident. */
const MAY_BE_ZERO: ReadonlySet<keyof ServerLimits> = new Set(['handlerTimeout', 'uploadMinRate'])

/**
 * The limits in force: each from `given`, else its environment variable, else
 * the default. A value that is not a whole number in range stops the app at start.
 */
export function resolveLimits(
  given: ServerLimits = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedLimits {
  const out = { ...DEFAULT_LIMITS }
  // Sound: the keys of DEFAULT_LIMITS are exactly those of ServerLimits, by its type.
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ServerLimits)[]) {
    const min = MAY_BE_ZERO.has(key) ? 0 : 1
    const value = given[key]
    if (value !== undefined) {
      out[key] = checkWhole(`limits.${key}`, value, min)
      continue
    }
    const raw = env[ENV[key]]
    if (raw !== undefined && raw !== '') out[key] = parseWhole(ENV[key], raw, min)
  }
  if (out.headersTimeout > out.requestTimeout) {
    throw new DaraError(
      'DARA_ERR_SERVER_OPTION_INVALID',
      'headersTimeout',
      `at most requestTimeout (${out.requestTimeout} ms)`,
      out.headersTimeout,
    )
  }
  return out
}

/** A whole number of at least `min` from the environment, else a start-time error naming the variable. */
export function parseWhole(name: string, raw: string, min: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  return checkWhole(name, value, min, JSON.stringify(raw))
}

function checkWhole(name: string, value: number, min: number, shown = String(value)): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new DaraError('DARA_ERR_SERVER_OPTION_INVALID', name, `a whole number from ${min}`, shown)
  }
  return value
}

/**
 * How often Node looks for requests past their headers or request timeout. Its
 * default, 30 s, would let a trickling client hold a socket that long past the limit.
 */
export function checkingInterval(limits: ResolvedLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headersTimeout / 4)))
}
