import type { FastifyRequest } from 'fastify'
import { SESSION_COOKIE } from '../auth/sessions.ts'

export { SESSION_COOKIE }

/**
 * The cookie's name over https. A browser keeps a `__Host-` cookie only if it
 * was set over https with Secure, Path=/ and no Domain, so neither a sibling
 * subdomain nor a page on plain http can plant one (cookie tossing, session
 * fixation). Over https only this name is read: the plain one could have been
 * planted, so a cookie set before https was in place is ignored (its user logs
 * in once more).
 */
const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

/** The session cookie's name for this request: `__Host-` prefixed over https. */
export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? HOST_SESSION_COOKIE : SESSION_COOKIE
}

/** The value of one cookie of a request, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  let at = 0
  while (at < header.length) {
    const end = header.indexOf(';', at)
    const stop = end === -1 ? header.length : end
    const eq = header.indexOf('=', at)
    if (eq !== -1 && eq < stop && header.slice(at, eq).trim() === name) {
      const value = header.slice(eq + 1, stop).trim()
      return value === '' ? undefined : value
    }
    at = stop + 1
  }
  return undefined
}

/** HttpOnly so scripts never read it; Lax so other sites' subrequests never carry it; Secure over https; never a Domain. */
function attributes(request: FastifyRequest): string {
  return `Path=/; HttpOnly; SameSite=Lax${request.protocol === 'https' ? '; Secure' : ''}`
}

/**
 * Set-Cookie for a session handle that lives `seconds`, until `expiresAt` (ms
 * since the epoch). `Expires` beside `Max-Age`, as Dara sends it: clients that
 * predate Max-Age (and some proxies and HTTP libraries) read only `Expires`.
 */
export function sessionCookie(
  request: FastifyRequest,
  handle: string,
  seconds: number,
  expiresAt: number,
): string {
  const maxAge = Math.max(0, Math.floor(seconds))
  const expires = new Date(expiresAt).toUTCString()
  return `${sessionCookieName(request)}=${handle}; Max-Age=${maxAge}; Expires=${expires}; ${attributes(request)}`
}

/** Set-Cookie that deletes the session cookie. */
export function clearedCookie(request: FastifyRequest): string {
  return `${sessionCookieName(request)}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${attributes(request)}`
}
