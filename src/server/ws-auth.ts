import type { FastifyRequest } from 'fastify'
import type { Identity } from '../auth/identity.ts'
import type { Sessions } from '../auth/sessions.ts'
import { DaraError } from '../errors.ts'
import { createIdentify, type AuthHookOptions } from './auth.ts'
import { readCookie, sessionCookieName } from './cookies.ts'
import { checkOrigin } from './csrf.ts'

/**
 * The subprotocol a client offers to send its token: `['dara.bearer', token]`.
 * A browser's WebSocket cannot set an Authorization header; the subprotocol
 * list is the one header it lets a page choose. The server answers with this
 * name alone, so the token is never echoed.
 */
export const BEARER_PROTOCOL = 'dara.bearer'

/** The token that follows `dara.bearer` in a Sec-WebSocket-Protocol header; undefined without it. */
function protocolToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const offered = header.split(',').map((entry) => entry.trim())
  const at = offered.indexOf(BEARER_PROTOCOL)
  if (at === -1) return undefined
  const token = offered[at + 1]
  if (token === undefined || token === '') throw new DaraError('DARA_ERR_WS_BEARER')
  return token
}

/**
 * Who opens a websocket: an Authorization header (programs) wins, then the
 * `dara.bearer` subprotocol's token (browsers and programs), then the session
 * cookie. The cookie goes with any upgrade the browser makes to this site,
 * whichever page starts it, so a cookie upgrade must come from this site or a
 * trusted origin (cross-site websocket hijacking): the Origin is checked even
 * though the upgrade is a GET.
 */
export function createWsIdentify(
  sessions: Sessions,
  options: AuthHookOptions,
): (request: FastifyRequest) => Identity | Promise<Identity> {
  const http = createIdentify(sessions, options)
  return function identifySocket(request) {
    if (request.headers.authorization) return http(request)
    const token = protocolToken(request.headers['sec-websocket-protocol'])
    if (token !== undefined) return sessions.bearer(token)
    if (readCookie(request.headers.cookie, sessionCookieName(request)) !== undefined) {
      checkOrigin(request, options.trustedOrigins, 'DARA_ERR_WS_ORIGIN')
    }
    return http(request)
  }
}
