import type { FastifyRequest } from 'fastify'
import { SESSION_COOKIE } from '../auth/sessions.ts'

export { SESSION_COOKIE }

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

/** HttpOnly so scripts never read it; Lax so other sites' subrequests never carry it; Secure over https. */
function attributes(request: FastifyRequest): string {
  return `Path=/; HttpOnly; SameSite=Lax${request.protocol === 'https' ? '; Secure' : ''}`
}

/** Set-Cookie for a session handle that lives `seconds`. */
export function sessionCookie(request: FastifyRequest, handle: string, seconds: number): string {
  return `${SESSION_COOKIE}=${handle}; Max-Age=${Math.max(0, Math.floor(seconds))}; ${attributes(request)}`
}

/** Set-Cookie that deletes the session cookie. */
export function clearedCookie(request: FastifyRequest): string {
  return `${SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${attributes(request)}`
}
