import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import type { WebSocket } from 'ws'
import { identityStorage, type Identity } from '../auth/identity.ts'
import { wsSpecOf } from '../http/ws.ts'
import type { AppPlan } from './app-plan.ts'
import { createAuthHook } from './auth.ts'
import { createPreparer, requestIdentity, type SocketContext } from './pipeline.ts'
import type { RoutePlan } from './plan.ts'
import { BEARER_PROTOCOL, createWsIdentify } from './ws-auth.ts'
import { cameByUpgrade, closeAfterAnswer } from './upgrade-connection.ts'
import { sessionWatch } from './ws-session-watch.ts'

/** Close codes besides 4401 (ws-session-watch.ts): RFC 6455's. */
const GOING_AWAY = 1001
const POLICY_VIOLATION = 1008
const INTERNAL_ERROR = 1011
/** How long `close()` lets clients answer the closing handshake before it cuts their sockets. */
const CLOSE_GRACE_MS = 2000

/**
 * Websocket routes (`ws()`), on @fastify/websocket, which is loaded only by an
 * app that has one. It must be registered before the routes are mounted: it
 * turns each websocket route, as it is added, into one whose upgrade runs the
 * route's auth (the websocket ways: ws-auth.ts), validation and dependencies
 * as Fastify hooks, so that a refusal is an ordinary HTTP answer sent before
 * the upgrade; then the socket handler runs as the caller.
 */
export async function webSockets(app: FastifyInstance, plan: AppPlan): Promise<void> {
  const { routes: plans, authOptions, limits, background } = plan
  const { sessions } = plan.auth
  const routes = new Map<string, RoutePlan>()
  for (const plan of plans) if (wsSpecOf(plan.route)) routes.set(plan.path, plan)
  if (routes.size === 0) return

  const identify = createWsIdentify(sessions, authOptions)
  const watch = sessionWatch(sessions, limits.wsSessionCheck, app.log)
  const contexts = new WeakMap<FastifyRequest, SocketContext>()

  // Before @fastify/websocket's own onRoute hook, which reads `wsHandler`.
  app.addHook('onRoute', (route) => {
    const plan = route.method === 'GET' ? routes.get(route.url) : undefined
    const spec = plan && wsSpecOf(plan.route)
    if (!plan || !spec) return
    if (plan.route.authenticated) {
      const { groups, scopes } = plan.route.options
      route.onRequest = createAuthHook(identify, { path: plan.path, groups, scopes })
    }
    const prepare = createPreparer(plan, background)
    route.preHandler = async function prepareSocket(request, reply): Promise<void> {
      // A plain GET goes on to the route's handler, which answers 426.
      if (!request.ws) return
      const socket = request.raw.socket
      const ctx = await prepare(request, reply, (fn) => socket.once('close', fn))
      if (ctx) contexts.set(request, ctx)
    }
    const rate = spec.options.messageRate ?? limits.wsMessageRate
    const where = `WS ${plan.path}`
    route.wsHandler = function openSocket(socket, request): void {
      const ctx = contexts.get(request)
      contexts.delete(request)
      const identity = requestIdentity.get(request)
      guard(socket, rate, identity)
      if (identity) watch.add(socket, identity.sessionId)
      const failed = (err: unknown): void => {
        request.log.error({ err, route: where }, 'A websocket handler failed')
        if (socket.readyState === socket.OPEN) socket.close(INTERNAL_ERROR)
      }
      try {
        // `never`: the context was built from this route's plan, as its handler's type says.
        const run = (): unknown => spec.handler(socket, ctx as never)
        const result = identity ? identityStorage.run(identity, run) : run()
        if (result instanceof Promise) result.catch(failed)
      } catch (err) {
        failed(err)
      }
    } satisfies RouteOptions['wsHandler']
  })

  // A refused upgrade's connection is closed (upgrade-connection.ts); one that
  // reached a route is ended by @fastify/websocket, the rest here.
  app.addHook('onRequest', (request, reply, done) => {
    if (cameByUpgrade(request)) closeAfterAnswer(request, reply)
    done()
  })

  // Loaded only by an app with a websocket route.
  await app.register(import('@fastify/websocket'), {
    options: {
      maxPayload: limits.wsMaxPayload,
      // Accept `dara.bearer` (never the token after it): a browser fails a
      // connection whose offered subprotocols got no answer.
      handleProtocols: (offered) => (offered.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : false),
    },
    // A socket error (a bad frame, a message past maxPayload): ws has already
    // closed the socket with the right code (1002, 1009); nothing to add.
    errorHandler(error, _socket, request) {
      request.log.info({ err: error }, 'A websocket closed on a protocol error')
    },
    preClose(done) {
      closeAll(this, done)
    },
  })
}

/**
 * `close()` closes every socket with 1001 (going away), then waits for their
 * closing handshakes, cutting those that do not answer within the grace
 * period, so that it does not wait on a client.
 */
function closeAll(app: FastifyInstance, done: () => void): void {
  const server = app.websocketServer
  for (const client of server.clients) client.close(GOING_AWAY, 'server shutting down')
  const timer = setTimeout(() => {
    for (const client of server.clients) client.terminate()
  }, CLOSE_GRACE_MS)
  server.close(() => {
    clearTimeout(timer)
    done()
  })
}

/**
 * Per socket: a token bucket of `rate` messages a second (a burst of `rate`),
 * past which the socket is closed with 1008; and the caller's identity set for
 * every listener of each message, which the socket's events would not carry
 * (they run in the connection's context, not the handler's).
 */
function guard(socket: WebSocket, rate: number, identity: Identity | undefined): void {
  let tokens = rate
  let last = performance.now()
  const enter = (): void => {
    // Listeners of one event run in one synchronous turn: those after this one see the caller.
    if (identity) identityStorage.enterWith(identity)
  }
  socket.prependListener('message', () => {
    enter()
    const now = performance.now()
    tokens = Math.min(rate, tokens + ((now - last) / 1000) * rate)
    last = now
    if (tokens >= 1) {
      tokens -= 1
      return
    }
    if (socket.readyState === socket.OPEN) socket.close(POLICY_VIOLATION, 'message rate limit')
  })
  socket.prependListener('close', enter)
}
