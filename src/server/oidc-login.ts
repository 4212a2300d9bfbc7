// The login itself: to the provider, and back with a code.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { isLocalPath, verifiedLogin, type OIDCAuthConfig } from '../auth/oidc-auth-config.ts'
import { providerError, type ProviderLink } from '../auth/oidc-client.ts'
import type { Seal } from '../auth/oidc-seal.ts'
import type { Sessions } from '../auth/sessions.ts'
import { DaraError } from '../errors.ts'
import type { AuthHookOptions } from './auth.ts'
import { readCookie, sessionCookie } from './cookies.ts'
import {
  LOGIN_COOKIE,
  LOGIN_SECONDS,
  oidcCookie,
  oidcCookieName,
  TOKENS_COOKIE,
  TOKENS_SECONDS,
} from './oidc-cookies.ts'

/** What the OpenID Connect routes of one app share. */
export interface OidcRoutes {
  readonly auth: OIDCAuthConfig
  readonly sessions: Sessions
  readonly link: ProviderLink
  readonly seal: Seal
  readonly origins: AuthHookOptions
}

export function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Sends the browser to the provider: a fresh state, nonce and PKCE verifier,
 * kept in a sealed cookie that lives for the login only.
 */
export async function login(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as Record<string, unknown> // Fastify parses the query into an object.
  const redirectTo = query['redirect_to'] ?? '/'
  if (typeof redirectTo !== 'string' || !isLocalPath(redirectTo)) {
    throw new DaraError('DARA_ERR_OIDC_REDIRECT_INVALID', JSON.stringify(redirectTo).slice(0, 100))
  }
  const { lib, config } = await routes.link.get()
  const verifier = lib.randomPKCECodeVerifier()
  const state = lib.randomState()
  const nonce = lib.randomNonce()
  const redirectUri = origin(request) + routes.auth.redirectPath
  const url = lib.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: routes.auth.scopes.join(' '),
    code_challenge: await lib.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  const sealed = routes.seal.close(
    LOGIN_COOKIE,
    { state, nonce, verifier, redirectTo, redirectUri },
    LOGIN_SECONDS,
  )
  return reply
    .header('cache-control', 'no-store')
    .header('set-cookie', oidcCookie(request, LOGIN_COOKIE, sealed, LOGIN_SECONDS))
    .redirect(url.href, 302)
}

/**
 * The provider sends the browser back here. The login cookie is deleted
 * whatever happens; a session and its cookie are made only once the code was
 * traded and the ID token checked, so a failure leaves nothing behind.
 */
export async function callback(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
  const { auth, sessions, seal } = routes
  reply.header('cache-control', 'no-store')
  reply.header('set-cookie', oidcCookie(request, LOGIN_COOKIE, '', 0))
  const pending = seal.open(
    LOGIN_COOKIE,
    readCookie(request.headers.cookie, oidcCookieName(request, LOGIN_COOKIE)),
  )
  if (pending === undefined) {
    throw new DaraError('DARA_ERR_OIDC_STATE', 'no login is in progress in this browser')
  }
  const query = request.query as Record<string, unknown> // Fastify parses the query into an object.
  const state = text(pending['state']) ?? ''
  const given = text(query['state'])
  if (given === undefined || !sameText(given, state)) {
    throw new DaraError('DARA_ERR_OIDC_STATE', 'the state differs from the login in progress')
  }
  const redirectUri = text(pending['redirectUri']) ?? ''
  const { lib, config } = await routes.link.get()
  const search = request.url.indexOf('?')
  const current = new URL(redirectUri + (search === -1 ? '' : request.url.slice(search)))
  let tokens
  try {
    tokens = await lib.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: text(pending['verifier']) ?? '',
      expectedState: state,
      expectedNonce: text(pending['nonce']) ?? '',
      idTokenExpected: true,
    })
  } catch (error) {
    throw providerError(auth, 'code', error)
  }
  const claims = tokens.claims()
  if (claims === undefined) throw new DaraError('DARA_ERR_OIDC_TOKEN_INVALID', 'no ID token')
  const user = auth.userOf(claims)
  const opened = await sessions.login(verifiedLogin(user), request.ip)
  request.log.info(
    { user: user.identityId, sessionId: opened.session.sessionId },
    'Logged in through the identity provider',
  )
  const kept = seal.close(
    TOKENS_COOKIE,
    { sid: opened.session.sessionId, refresh: tokens.refresh_token, id: tokens.id_token },
    TOKENS_SECONDS,
  )
  return reply
    .header('set-cookie', [
      sessionCookie(request, opened.handle, opened.maxAge, opened.session.expiresAt),
      oidcCookie(request, TOKENS_COOKIE, kept, TOKENS_SECONDS),
    ])
    .redirect(text(pending['redirectTo']) ?? '/', 302)
}
