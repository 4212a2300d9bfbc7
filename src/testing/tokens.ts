import { randomUUID } from 'node:crypto'
import type { UserData } from '../auth/identity.ts'
import { createTokenService } from '../auth/tokens.ts'

/** Who a test calls as: every field is optional; the name and id default to each other, then `user`. */
export type TestUser = Partial<UserData>

export interface MintOptions {
  /** The secret the app under test signs with (its `secret` option or DARA_JWT_SECRET). */
  readonly secret: string
  /** Token lifetime in seconds; default one hour. */
  readonly ttlSeconds?: number
}

/** The full user for a partial one. */
export function completeUser(user: TestUser = {}): UserData {
  const id = user.identityId ?? user.identityName ?? 'user'
  return {
    identityId: id,
    identityName: user.identityName ?? id,
    groups: user.groups ?? [],
    ...(user.identityEmail === undefined ? {} : { identityEmail: user.identityEmail }),
  }
}

/**
 * Mints a session token that an app signing with `secret` accepts, for any
 * user, without logging in: to call a running app (or another service) as
 * that user from a test or a script. In process, `app.sessions.mint(user)`
 * does the same with the app's own secret.
 *
 * @example
 * ```ts
 * import { mintToken } from 'dara-ts/testing'
 *
 * const token = await mintToken({ identityName: 'ada', groups: ['admins'] }, {
 *   secret: process.env.DARA_JWT_SECRET ?? '',
 * })
 * await fetch('http://127.0.0.1:8000/api/greetings', {
 *   headers: { authorization: `Bearer ${token}` },
 * })
 * ```
 */
export async function mintToken(user: TestUser, options: MintOptions): Promise<string> {
  const tokens = createTokenService({ secret: options.secret, clock: Date.now })
  const expiresAt = Date.now() + (options.ttlSeconds ?? 3600) * 1000
  return tokens.sign(completeUser(user), randomUUID(), expiresAt)
}
