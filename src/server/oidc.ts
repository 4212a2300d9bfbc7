import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from '../auth/auth-config.ts'
import { isLocalPath, OIDCAuthConfig, verifiedLogin } from '../auth/oidc-auth-config.ts'
import { createIdTokenBearer } from '../auth/oidc-bearer.ts'
import { createProviderLink, providerError, type ProviderLink } from '../auth/oidc-client.ts'
import { createSeal, type Seal } from '../auth/oidc-seal.ts'
import type { Sessions } from '../auth/sessions.ts'
import type { AuthHookOptions } from './auth.ts'
import { DaraError } from '../errors.ts'
import { clearedCookie, readCookie, sessionCookie, sessionCookieName } from './cookies.ts'
import { checkCsrf, checkLoginOrigin } from './csrf.ts'
import {
  LOGIN_COOKIE,
  LOGIN_SECONDS,
  oidcCookie,
  oidcCookieName,
  TOKENS_COOKIE,
  TOKENS_SECONDS,
} from './oidc-cookies.ts'
import { parseJsonObject } from '../auth/json-object.ts'

interface OidcRoutes {
  readonly auth: OIDCAuthConfig
  readonly sessions: Sessions
  readonly link: ProviderLink
  readonly seal: Seal
  readonly origins: AuthHookOptions
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The claims of an ID token this app sealed itself (its signature was checked when it came). */
function sealedClaims(idToken: string | undefined): Record<string, unknown> | undefined {
  const part = idToken?.split('.')[1]
  return part === undefined ? undefined : parseJsonObject(Buffer.from(part, 'base64url').toString())
}

/**
 * Sends the browser to the provider: a fresh state, nonce and PKCE verifier,
 * kept in a sealed cookie that lives for the login only.
 */
async function login(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
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
async function callback(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
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
      sessionCookie(request, opened.handle, opened.maxAge),
      oidcCookie(request, TOKENS_COOKIE, kept, TOKENS_SECONDS),
    ])
    .redirect(text(pending['redirectTo']) ?? '/', 302)
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
async function refresh(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
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
    sessionCookie(request, opened.handle, opened.maxAge),
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
async function logout(routes: OidcRoutes, request: FastifyRequest, reply: FastifyReply) {
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

/**
 * The OpenID Connect routes of an app whose auth is an {@link OIDCAuthConfig};
 * nothing (and no import of openid-client) for any other auth config.
 */
export function registerOidc(
  app: FastifyInstance,
  auth: AuthConfig | undefined,
  sessions: Sessions,
  origins: AuthHookOptions,
): void {
  if (!(auth instanceof OIDCAuthConfig)) return
  const link = createProviderLink(auth, sessions.clock)
  const routes: OidcRoutes = {
    auth,
    sessions,
    link,
    seal: createSeal(sessions.keyed, sessions.clock),
    origins,
  }
  if (auth.acceptIdTokens) {
    sessions.acceptForeignBearer(createIdTokenBearer(auth, link, sessions.clock))
  }
  app.addHook('onReady', async () => {
    try {
      await link.get()
    } catch (error) {
      // Started anyway: logins answer 503 and discovery is tried again at each one.
      app.log.warn(
        { err: error },
        'Identity provider %s unreachable at start: logins answer 503 until it is back',
        auth.issuer,
      )
    }
  })
  void app.register(
    fp((instance, _options, done) => {
      instance.get('/api/auth/oidc/login', (request, reply) => {
        checkLoginOrigin(request, origins.loginOrigins)
        return login(routes, request, reply)
      })
      instance.get(auth.redirectPath, (request, reply) => callback(routes, request, reply))
      instance.post('/api/auth/oidc/refresh', (request, reply) => refresh(routes, request, reply))
      instance.post('/api/auth/oidc/logout', (request, reply) => logout(routes, request, reply))
      done()
    }),
  )
}
