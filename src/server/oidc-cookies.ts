import type { FastifyRequest } from 'fastify'

/** The cookie of a login in progress: state, nonce and PKCE verifier, sealed (Dara's name). */
export const LOGIN_COOKIE = 'dara_oidc_login_session'
/** The provider's refresh and ID tokens of a browser's session, sealed. */
export const TOKENS_COOKIE = 'dara_oidc_tokens'

/** Seconds a login may take at the provider before its cookie expires. */
export const LOGIN_SECONDS = 600
/** Seconds the provider's tokens are kept in the browser: the provider's refresh token decides sooner. */
export const TOKENS_SECONDS = 30 * 86_400

/** The cookie's name for this request: `__Host-` prefixed over https, as the session cookie is. */
export function oidcCookieName(request: FastifyRequest, base: string): string {
  return request.protocol === 'https' ? `__Host-${base}` : base
}

/** Set-Cookie for one of the sealed OIDC cookies; `seconds` 0 deletes it. */
export function oidcCookie(
  request: FastifyRequest,
  base: string,
  value: string,
  seconds: number,
): string {
  const https = request.protocol === 'https'
  const expiry =
    seconds > 0 ? `Max-Age=${seconds}` : 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
  return `${oidcCookieName(request, base)}=${value}; ${expiry}; Path=/; HttpOnly; SameSite=Lax${https ? '; Secure' : ''}`
}
