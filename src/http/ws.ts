import type { WebSocket } from 'ws'
import { DaraError } from '../errors.ts'
import { ApiRoute, type RouteOptions } from './api-route.ts'
import type { HandlerContext } from './context.ts'

/** The options of `ws()`: those of an HTTP route that apply before the upgrade, and the socket's own. */
export interface WsOptions extends Pick<
  RouteOptions,
  | 'dependencies'
  | 'authenticated'
  | 'scopes'
  | 'groups'
  | 'inject'
  | 'params'
  | 'query'
  | 'headers'
  | 'cookies'
  | 'summary'
  | 'description'
  | 'tags'
  | 'deprecated'
> {
  /**
   * Messages a second one socket may send (a burst of as many is allowed);
   * past it the socket is closed with 1008. Default: the app's
   * `limits.wsMessageRate` (`DARA_WS_MESSAGE_RATE`, 100).
   */
  readonly messageRate?: number
}

/** What a websocket handler receives beside the socket: the upgrade request's inputs and the injected values. */
export type WsContext<U extends string, O> = Omit<
  HandlerContext<U, O>,
  'body' | 'reply' | 'background'
>

/** A websocket handler: it owns the socket once the upgrade is done; a rejection closes it with 1011. */
export type WsHandler<U extends string, O> = (socket: WebSocket, ctx: WsContext<U, O>) => unknown

/** The socket as a handler receives it: `ws`'s WebSocket. */
export type { WebSocket }

/**
 * A websocket endpoint: a GET route whose upgrade requests open a socket.
 * A plain GET on it is answered 426.
 */
export type WsRoute<U extends string = string, O extends WsOptions = WsOptions> = ApiRoute<
  'GET',
  U,
  // `& WsOptions`: options of a socket's own alone (`{ messageRate }`) still fit every route's type.
  O & WsOptions,
  never
>

interface WsSpec {
  // The handler's context type differs per route; the server passes the right one.
  readonly handler: (socket: WebSocket, ctx: never) => unknown
  readonly options: WsOptions
}

const wsRoutes = new WeakMap<object, WsSpec>()

/** The socket handler and options of a route made by `ws()`, or undefined for any other route. */
export function wsSpecOf(route: object): WsSpec | undefined {
  return wsRoutes.get(route)
}

/** How route tables name a route's method: `WS` for a websocket, else its HTTP method. */
export function methodName(route: { readonly method: string }): string {
  return wsRoutes.has(route) ? 'WS' : route.method
}

type NoOptions = Record<never, never>

interface WsHelper {
  <const U extends string>(url: U, handler: WsHandler<U, NoOptions>): WsRoute<U, NoOptions>
  <const U extends string, const O extends WsOptions>(
    url: U,
    options: O,
    handler: WsHandler<U, O>,
  ): WsRoute<U, O>
}

function define(url: string, second: unknown, third?: unknown): WsRoute {
  const [options, handler] = third === undefined ? [{}, second] : [second, third]
  if (typeof url !== 'string') throw new TypeError('ws(url, ...): the url must be a string')
  if (typeof handler !== 'function') {
    throw new TypeError(`ws('${url}', ...): the last argument must be the handler function`)
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`ws('${url}', options, handler): options must be an object`)
  }
  // Sound: checked to be an object just above; its fields are checked at start.
  const wsOptions = options as WsOptions
  const rate = wsOptions.messageRate
  if (rate !== undefined && !(Number.isSafeInteger(rate) && rate > 0)) {
    throw new TypeError(
      `ws('${url}', { messageRate }): a whole number of messages a second, from 1`,
    )
  }
  // A plain GET reaches this handler; an upgrade reaches the socket handler instead.
  const route = new ApiRoute('GET', url, wsOptions, function upgradeRequired(): never {
    throw new DaraError('DARA_ERR_WS_UPGRADE_REQUIRED', url)
  })
  // Sound: the overloads of WsHelper type the handler against this route's own context.
  wsRoutes.set(route, { handler: handler as WsSpec['handler'], options: wsOptions })
  return route
}

/**
 * Declares a websocket endpoint, mounted under `/api` like any route. It is
 * authenticated unless `authenticated: false`: a browser's session cookie
 * (from one of the app's own origins: the Origin header is checked), or a
 * token as the subprotocol pair `['dara.bearer', token]` (the server answers
 * with `dara.bearer`, never the token), or an `Authorization` header from a
 * program. `params`, `query`, `dependencies` and `inject` work as on an HTTP
 * route and run before the upgrade: a refusal is an HTTP answer (401, 403,
 * 422). `USER` and `SESSION` are set in the handler and in its message
 * listeners. The socket is closed with 4401 when its session is revoked or
 * expires (on every process sharing the store), with 1009 on a message past
 * `limits.wsMaxPayload`, with 1008 past the message rate, and with 1001 when
 * the app closes.
 *
 * @example
 * ```ts
 * import { ws } from 'dara-ts/http'
 * import { USER } from 'dara-ts/auth'
 *
 * export const echo = ws('/echo', (socket) => {
 *   socket.on('message', (data) => socket.send(`${USER.get()?.identityName}: ${String(data)}`))
 * })
 * ```
 * @see README.md, "Websockets"
 */
// Sound: `define` implements both overloads of WsHelper at run time.
export const ws = define as WsHelper
