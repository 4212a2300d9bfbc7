// A logged-in browser's SSO session afterwards: renewed through the provider, and ended.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseJsonObject } from '../auth/json-object.ts'
import { verifiedLogin } from '../auth/oidc-auth-config.ts'
import { providerError } from '../auth/oidc-client.ts'
import { DaraError } from '../errors.ts'
import { clearedCookie, readCookie, sessionCookie, sessionCookieName } from './cookies.ts'
import { checkCsrf } from './csrf.ts'
import { oidcCookie, oidcCookieName, TOKENS_COOKIE, TOKENS_SECONDS } from './oidc-cookies.ts'
import { origin, text, type OidcRoutes } from './oidc-login.ts'

/** The claims of an ID token this app sealed itself (its signature was checked when it came). */
function sealedClaims(idToken: string | undefined): Record<string, unknown> | undefined {
  const part = idToken?.split('.')[1]
  return part === undefined ? undefined : parseJsonObject(Buffer.from(part, 'base64url').toString())
}

/** Both cookies of the session gone: what a failed refresh and a logout answer with. */
function clearAll(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', [clearedCookie(request), oidcCookie(request, TOKENS_COOKIE, '', 0)])
}

/**
 * Renews the browser's session through the provider's refresh token: a new
 * dara-ts session with the claims the provider gives now (groups included),
 * and the old one revoked. A refusal ends the session; a provider that is
 * down leaves it as it was (503).
 */
export async function refresh(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
  const { auth, sessions, seal } = routes
  checkCsrf(request, routes.origins.trustedOrigins)
  reply.header('cache-control', 'no-store')
  const kept = seal.open(
    TOKENS_COOKIE,
    readCookie(request.headers.cookie, oidcCookieName(request, TOKENS_COOKIE)),
  )
  const refreshToken = text(kept?.['refresh'])
  const oldSession = text(kept?.['sid'])
  const end = async (reason: string): Promise<never> => {
    if (oldSession !== undefined) await sessions.revoke(oldSession)
    clearAll(request, reply)
    throw new DaraError('DARA_ERR_OIDC_REFRESH_FAILED', reason)
  }
  if (refreshToken === undefined) return end('this browser holds no refresh token')
  // A session logged out (or revoked by an admin) is not brought back by its refresh token.
  if (oldSession !== undefined && sessions.store.isRevoked(oldSession)) {
    return end('the session was logged out')
  }
  const { lib, config } = await routes.link.get()
  let tokens
  try {
    tokens = await lib.refreshTokenGrant(config, refreshToken)
  } catch (error) {
    const coded = providerError(auth, 'refresh', error)
    if (coded.status === 401) return end(coded.detail)
    throw coded
  }
  const before = sealedClaims(text(kept?.['id']))
  const claims = tokens.claims() ?? before
  if (claims === undefined || (before !== undefined && claims['sub'] !== before['sub'])) {
    return end('the provider named another user')
  }
  const user = auth.userOf(claims)
  const opened = await sessions.login(verifiedLogin(user), request.ip)
  if (oldSession !== undefined) await sessions.revoke(oldSession)
  const sealed = seal.close(
    TOKENS_COOKIE,
    {
      sid: opened.session.sessionId,
      refresh: tokens.refresh_token ?? refreshToken,
      id: tokens.id_token ?? text(kept?.['id']),
    },
    TOKENS_SECONDS,
  )
  reply.header('set-cookie', [
    sessionCookie(request, opened.handle, opened.maxAge, opened.session.expiresAt),
    oidcCookie(request, TOKENS_COOKIE, sealed, TOKENS_SECONDS),
  ])
  return { token: opened.token, refreshToken: opened.refreshToken, expiresIn: opened.expiresIn }
}

/**
 * Ends the session here (revoked everywhere, cookies deleted) and answers the
 * provider's end-session URL, where the browser goes next to log out there
 * too (RP-initiated logout); `redirectUri` is null when the provider has none
 * or cannot be reached.
 */
export async function logout(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
  const { auth, sessions, seal } = routes
  checkCsrf(request, routes.origins.trustedOrigins)
  reply.header('cache-control', 'no-store')
  const kept = seal.open(
    TOKENS_COOKIE,
    readCookie(request.headers.cookie, oidcCookieName(request, TOKENS_COOKIE)),
  )
  const ended = new Set<string>()
  const handle = readCookie(request.headers.cookie, sessionCookieName(request))
  if (handle !== undefined) {
    try {
      ended.add((await sessions.cookie(handle)).sessionId)
    } catch (error) {
      // A session that is over already has nothing left to end.
      if (!(error instanceof DaraError) || error.status !== 401) throw error
    }
  }
  const sid = text(kept?.['sid'])
  if (sid !== undefined) ended.add(sid)
  for (const id of ended) await sessions.revoke(id)
  clearAll(request, reply)
  let redirectUri: string | null = null
  try {
    const { lib, config } = await routes.link.get()
    const refreshToken = text(kept?.['refresh'])
    if (refreshToken !== undefined && config.serverMetadata().revocation_endpoint !== undefined) {
      // The provider forgets the refresh token too: a copy of the cookie renews nothing.
      await lib.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' })
    }
    if (config.serverMetadata().end_session_endpoint !== undefined) {
      const idToken = text(kept?.['id'])
      redirectUri = lib.buildEndSessionUrl(config, {
        client_id: auth.clientId,
        post_logout_redirect_uri: origin(request) + auth.postLogoutRedirectPath,
        ...(idToken === undefined ? {} : { id_token_hint: idToken }),
      }).href
    }
  } catch (error) {
    request.log.warn({ err: error }, 'Logged out here only: the identity provider is unreachable')
  }
  request.log.info({ sessions: ended.size }, 'Logged out through the identity provider')
  return { success: true, redirectUri }
}
