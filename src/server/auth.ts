import type { FastifyRequest } from 'fastify'
import type { AuthConfig } from '../auth/auth-config.ts'
import { USER } from '../auth/identity.ts'
import type { TokenService } from '../auth/tokens.ts'
import { DaraError } from '../errors.ts'
import { get, post } from '../http/methods.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { requestIdentity } from './pipeline.ts'

/**
 * Checks the Bearer token of an authenticated route. It runs on Fastify's
 * onRequest, before the body is read, so a refused caller costs only this check.
 */
export function createAuthHook(tokens: TokenService, scopes: readonly string[] = []) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization
    if (!header) throw new DaraError('DARA_ERR_AUTH_NO_CREDENTIALS')
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
    const identity = await tokens.verify(token)
    // A token made with scopes reaches only the routes that list one of them.
    if (identity.scopes && !identity.scopes.some((scope) => scopes.includes(scope))) {
      throw new DaraError(
        'DARA_ERR_AUTH_SCOPE',
        identity.scopes.join(', '),
        `${request.method} ${request.url.split('?', 1)[0] ?? ''}`,
        scopes.length ? scopes.join(', ') : '(none: scoped tokens may not call it)',
      )
    }
    requestIdentity.set(request, identity)
  }
}

/** The routes under /api/auth that every app has. */
export function authRoutes(auth: AuthConfig, tokens: TokenService): AnyApiRoute[] {
  const session = post(
    '/auth/session',
    { authenticated: false },
    async function createSession({ body }) {
      const user = await auth.authenticate(body)
      const { token } = await tokens.issue(user)
      return { token }
    },
  )
  const user = get('/auth/user', function currentUser() {
    return USER.get()
  })
  return [session, user]
}
