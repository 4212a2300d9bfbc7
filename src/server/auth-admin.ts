import { z } from 'zod'
import type { Sessions } from '../auth/sessions.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import { post } from '../http/methods.ts'

/** A year and a day, as `dara token create --expires` allows. */
const MAX_TTL_SECONDS = 366 * 86_400
const name = z.string().min(1).max(200)

const tokenBody = z
  .object({
    user: name,
    /** The user's display name, groups and email; by default the id, none and none. */
    name: name.optional(),
    groups: z.array(name).max(100).optional(),
    email: z.string().max(320).optional(),
    ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS),
    scopes: z
      .array(z.string().regex(/^[A-Za-z0-9_.:/-]{1,64}$/))
      .min(1)
      .max(32)
      .optional(),
  })
  .strict()

const revokeBody = z.union([
  z.object({ sessionId: z.uuid() }).strict(),
  z.object({ user: name }).strict(),
])

/**
 * What `dara token` does to a running app whose sessions live in its own
 * memory: make a token, revoke a session or every session of a user. The
 * routes take no session: each request is signed with the app's secret for
 * its exact body, good for a minute and once (`DaraAdmin` authorization).
 */
export function adminRoutes(sessions: Sessions): AnyApiRoute[] {
  const token = post(
    '/auth/admin/token',
    {
      authenticated: false,
      body: tokenBody,
      summary: 'Make a token for scripts (dara token create): signed with the app secret',
    },
    async function createToken({ body, request }) {
      sessions.checkAdmin(request.headers.authorization, 'token', JSON.stringify(request.body))
      const user = {
        identityId: body.user,
        identityName: body.name ?? body.user,
        groups: body.groups ?? [],
        ...(body.email === undefined ? {} : { identityEmail: body.email }),
      }
      const minted = await sessions.mint(user, {
        ttlSeconds: body.ttlSeconds,
        ...(body.scopes ? { scopes: body.scopes } : {}),
      })
      request.log.info({ user: body.user, sessionId: minted.sessionId }, 'Token created')
      return {
        token: minted.token,
        sessionId: minted.sessionId,
        expiresAt: minted.expiresAt.toISOString(),
      }
    },
  )
  const revoke = post(
    '/auth/admin/revoke',
    {
      authenticated: false,
      body: revokeBody,
      summary: 'Revoke a session or all of a user (dara token revoke): signed with the app secret',
    },
    async function revokeSessions({ body, request }) {
      sessions.checkAdmin(request.headers.authorization, 'revoke', JSON.stringify(request.body))
      if ('user' in body) {
        const revoked = await sessions.revokeUser(body.user)
        request.log.info({ user: body.user, revoked }, 'Sessions of a user revoked')
        return { revoked }
      }
      await sessions.revokeById(body.sessionId)
      request.log.info({ sessionId: body.sessionId }, 'Session revoked')
      return { revoked: 1 }
    },
  )
  return [token, revoke]
}
