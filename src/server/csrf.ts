import type { FastifyRequest } from 'fastify'
import { DaraError } from '../errors.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The cookie travels with any request the browser makes to this site, even
 * one another site's page starts. A request that changes state and carries
 * only the cookie must therefore show it comes from this site's own pages:
 * by its Origin (every browser sends it on such requests), else its Referer.
 * Bearer requests need no check: no browser adds that header by itself.
 */
export function checkCsrf(request: FastifyRequest, trusted: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(request.method)) return
  checkOrigin(request, trusted)
}

/**
 * The Origin (else Referer) must be this site or a trusted one, whatever the
 * method: a websocket upgrade is a GET that opens a channel in both
 * directions, and another site's page may start one with the user's cookie
 * (cross-site websocket hijacking).
 */
export function checkOrigin(
  request: FastifyRequest,
  trusted: ReadonlySet<string>,
  code: 'DARA_ERR_AUTH_CSRF' | 'DARA_ERR_WS_ORIGIN' = 'DARA_ERR_AUTH_CSRF',
): void {
  const origin = request.headers.origin
  if (origin !== undefined) {
    if (sameSite(origin, request, trusted)) return
    throw new DaraError(code, `its Origin ${quote(origin)} is not this site`)
  }
  const referer = request.headers.referer
  if (referer !== undefined) {
    if (sameSite(referer, request, trusted)) return
    throw new DaraError(code, `its Referer ${quote(referer)} is not this site`)
  }
  throw new DaraError(code, 'it has neither an Origin nor a Referer header')
}

/**
 * A login from another site's page would sign the browser in to someone
 * else's account (login CSRF): a login that carries an Origin (browsers send
 * one on every POST) must carry this site's. Programs send none and pass.
 */
export function checkLoginOrigin(request: FastifyRequest, trusted: ReadonlySet<string>): void {
  const origin = request.headers.origin
  if (origin !== undefined && !sameSite(origin, request, trusted)) {
    throw new DaraError('DARA_ERR_AUTH_CSRF', `its Origin ${quote(origin)} is not this site`)
  }
}

/**
 * Same origin: scheme, host and port, the default port spelled or not
 * (`http://localhost:80` is `http://localhost`). The scheme counts: a page
 * served over http, which anyone on the network can rewrite, does not speak for
 * an app served over https (`request.protocol`, which honours trustProxy).
 */
function sameSite(url: string, request: FastifyRequest, trusted: ReadonlySet<string>): boolean {
  const parsed = parse(url)
  if (!parsed) return false
  if (trusted.has(parsed.origin)) return true
  const own = parse(`${request.protocol}://${request.host}`)
  return own !== undefined && parsed.origin === own.origin
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value)
}
