import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { Identity } from '../auth/identity.ts'
import { identityStorage, USER } from '../auth/identity.ts'
import type { Sessions } from '../auth/sessions.ts'
import { DaraError } from '../errors.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { get, post } from '../http/methods.ts'
import { adminRoutes } from './auth-admin.ts'
import { clearedCookie, readCookie, sessionCookie, sessionCookieName } from './cookies.ts'
import { checkCsrf, checkLoginOrigin } from './csrf.ts'
import { requestIdentity } from './pipeline.ts'

export interface AuthHookOptions {
  /** Origins besides the app's own whose cookie requests pass the CSRF check. */
  readonly trustedOrigins: ReadonlySet<string>
  /** Origins besides the app's own that may log in (a page there gets a token, or the cookie). */
  readonly loginOrigins: ReadonlySet<string>
}

/** Synchronous when it can be (a token seen before, a memory store): no promise per request then. */
type Identify = (request: FastifyRequest) => Identity | Promise<Identity>

/**
 * Who is calling: a Bearer header wins; without one, the session cookie. It
 * runs on Fastify's onRequest, before the body is read, so a refused caller
 * costs only this check.
 */
export function createIdentify(sessions: Sessions, options: AuthHookOptions): Identify {
  return function identify(request) {
    const header = request.headers.authorization
    if (header) return sessions.bearer(bearerToken(header))
    const handle = readCookie(request.headers.cookie, sessionCookieName(request))
    if (handle === undefined) throw new DaraError('DARA_ERR_AUTH_NO_CREDENTIALS')
    checkCsrf(request, options.trustedOrigins)
    return sessions.cookie(handle)
  }
}

function bearerToken(header: string): string {
  const space = header.indexOf(' ')
  const scheme = space === -1 ? header : header.slice(0, space)
  // "Bearer" with nothing after is the right scheme with an empty token.
  if (scheme.toLowerCase() === 'bearer' && space === -1) {
    throw new DaraError('DARA_ERR_AUTH_MALFORMED')
  }
  if (space === -1 || scheme.toLowerCase() !== 'bearer') {
    throw new DaraError('DARA_ERR_AUTH_SCHEME', space === -1 ? '(none)' : scheme.slice(0, 32))
  }
  const token = header.slice(space + 1).trim()
  if (!token) throw new DaraError('DARA_ERR_AUTH_MALFORMED')
  return token
}

/**
 * The onRequest hook of one authenticated route. With `groups`, a caller in
 * none of them is refused with 403; with `clearCookie`, a refused cookie is
 * deleted (`/verify-session` tells the browser its session is over).
 */
export function createAuthHook(
  identify: Identify,
  route: {
    readonly path: string
    readonly groups?: readonly string[] | undefined
    readonly scopes?: readonly string[] | undefined
  },
  clearCookie = false,
) {
  const { groups } = route
  const scopes = route.scopes ?? []
  const anyScope = ANY_SCOPE.has(route.path)
  /** Lets the identity through, or throws the 403 of a token whose scopes the route does not list. */
  const admit = (request: FastifyRequest, identity: Identity): void => {
    if (!anyScope) checkScopes(identity, scopes, request.method, route.path)
    requestIdentity.set(request, identity)
  }
  /** Admits the identity and goes on, or ends the hook with the refusal. */
  const settle = (request: FastifyRequest, identity: Identity, done: HookHandlerDoneFunction) => {
    try {
      admit(request, identity)
    } catch (error) {
      done(asError(error))
      return
    }
    done()
  }
  if (!groups && !clearCookie) {
    // A callback hook, not an async one: a synchronous answer costs no promise,
    // and nothing is made per request but a closure when the store answers later.
    return function authenticate(
      request: FastifyRequest,
      _reply: FastifyReply,
      done: HookHandlerDoneFunction,
    ): void {
      let identity: Identity | Promise<Identity>
      try {
        identity = identify(request)
      } catch (error) {
        done(asError(error))
        return
      }
      if (identity instanceof Promise) {
        identity.then((found) => settle(request, found, done), done)
      } else settle(request, identity, done)
    }
  }
  const needed = groups?.map((g) => JSON.stringify(g)).join(' or ')
  return async function authenticate(request: FastifyRequest): Promise<void> {
    let identity: Identity
    try {
      identity = await identify(request)
    } catch (error) {
      if (clearCookie && error instanceof DaraError && error.status === 401) {
        if (readCookie(request.headers.cookie, sessionCookieName(request)) !== undefined) {
          error.withHeaders({ 'set-cookie': clearedCookie(request) })
        }
      }
      throw error
    }
    if (groups && !groups.some((group) => identity.user.groups.includes(group))) {
      throw new DaraError('DARA_ERR_AUTH_FORBIDDEN', `${request.method} ${route.path}`, needed)
    }
    admit(request, identity)
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

/** A token made with scopes reaches only the routes that list one of them. */
function checkScopes(
  identity: Identity,
  scopes: readonly string[],
  method: string,
  path: string,
): void {
  if (!identity.scopes || identity.scopes.some((scope) => scopes.includes(scope))) return
  throw new DaraError(
    'DARA_ERR_AUTH_SCOPE',
    identity.scopes.join(', '),
    `${method} ${path}`,
    scopes.length ? scopes.join(', ') : '(none: scoped tokens may not call it)',
  )
}

function refreshBody(body: unknown): string {
  const where = 'POST /api/auth/refresh-token'
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DaraError(
      'DARA_ERR_AUTH_BODY',
      where,
      'send the JSON object { "refreshToken": "..." }',
    )
  }
  const extra = Object.keys(body).find((key) => key !== 'refreshToken')
  if (extra !== undefined) {
    throw new DaraError('DARA_ERR_AUTH_BODY', where, `unknown field "${extra.slice(0, 40)}"`)
  }
  const value = 'refreshToken' in body ? body.refreshToken : undefined
  if (typeof value !== 'string' || value === '') {
    throw new DaraError('DARA_ERR_AUTH_BODY', where, '"refreshToken" must be a non-empty string')
  }
  return value
}

/** Routes every token may call whatever its scopes: a token may always end its own session. */
const ANY_SCOPE = new Set(['/api/auth/revoke-session'])

/**
 * The paths of the routes below whose failures clear the cookie: a browser
 * holding a cookie the app does not know (a session that ended elsewhere)
 * gets rid of it when it checks its session or logs out.
 */
export const CLEARS_COOKIE = new Set(['/api/auth/verify-session', '/api/auth/revoke-session'])

/** The routes under /api/auth that every app has. */
export function authRoutes(sessions: Sessions, options: AuthHookOptions): AnyApiRoute[] {
  const session = post(
    '/auth/session',
    { authenticated: false, summary: 'Log in: a token pair, and the session cookie' },
    async function createSession({ body, request, reply }) {
      checkLoginOrigin(request, options.loginOrigins)
      const login = await sessions.login(body, request.ip)
      // Who and which session, never a token or handle: enough to audit logins.
      request.log.info(
        { user: login.session.user.identityId, sessionId: login.session.sessionId },
        'Logged in',
      )
      reply.header(
        'set-cookie',
        sessionCookie(request, login.handle, login.maxAge, login.session.expiresAt),
      )
      return { token: login.token, refreshToken: login.refreshToken, expiresIn: login.expiresIn }
    },
  )
  const verify = post(
    '/auth/verify-session',
    { summary: 'Whether the caller holds a live session' },
    function verifySession() {
      const identity = identityStorage.getStore()
      return {
        sessionId: identity?.sessionId,
        expiresAt: new Date(identity?.expiresAt ?? 0).toISOString(),
      }
    },
  )
  const user = get('/auth/user', { summary: 'The current user' }, function currentUser() {
    return USER.get()
  })
  const refresh = post(
    '/auth/refresh-token',
    { authenticated: false, summary: 'Trade a refresh token for a new pair (once)' },
    function refreshToken({ body }) {
      return sessions.refresh(refreshBody(body))
    },
  )
  const revoke = post(
    '/auth/revoke-session',
    { summary: 'Log out: the session ends everywhere, its tokens and cookie too' },
    async function revokeSession({ request, reply }) {
      const identity = identityStorage.getStore()
      if (identity) {
        await sessions.revoke(identity.sessionId, identity.expiresAt)
        request.log.info(
          { user: identity.user.identityId, sessionId: identity.sessionId },
          'Logged out',
        )
      }
      reply.header('set-cookie', clearedCookie(request))
      return { success: true }
    },
  )
  return [session, verify, user, refresh, revoke, ...adminRoutes(sessions)]
}
