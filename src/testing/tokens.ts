import { randomUUID } from 'node:crypto'
import { signAdminRequest } from '../auth/admin-request.ts'
import type { UserData } from '../auth/identity.ts'
import { createTokenService } from '../auth/tokens.ts'
import { DaraError } from '../errors.ts'

/** Who a test calls as: every field is optional; the name and id default to each other, then `user`. */
export type TestUser = Partial<UserData>

export interface MintOptions {
  /** The secret the app under test signs with (its `secret` option or DARA_JWT_SECRET). */
  readonly secret: string
  /** Token lifetime in seconds; default one hour. */
  readonly ttlSeconds?: number
  /**
   * A running dara-ts app (`http://127.0.0.1:8000`) that should accept the
   * token: it opens the session there, through its admin route. Without it the
   * token is only signed, for services that check the signature alone; a
   * dara-ts app refuses a token whose session its store does not know.
   */
  readonly url?: string
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
 * Mints a session token for any user, without logging in: to call a running
 * app (give its `url`) or another service as that user from a test or a
 * script. In process, `app.sessions.mint(user)` does the same with the app's
 * own secret and store.
 *
 * @example
 * ```ts
 * import { mintToken } from 'dara-ts/testing'
 *
 * const token = await mintToken({ identityName: 'ada', groups: ['admins'] }, {
 *   secret: process.env.DARA_JWT_SECRET ?? '',
 *   url: 'http://127.0.0.1:8000',
 * })
 * await fetch('http://127.0.0.1:8000/api/greetings', {
 *   headers: { authorization: `Bearer ${token}` },
 * })
 * ```
 */
export async function mintToken(user: TestUser, options: MintOptions): Promise<string> {
  const tokens = createTokenService({ secret: options.secret, clock: Date.now })
  const ttlSeconds = options.ttlSeconds ?? 3600
  const full = completeUser(user)
  if (options.url === undefined) {
    return tokens.sign(full, randomUUID(), Date.now() + ttlSeconds * 1000)
  }
  const body = JSON.stringify({
    user: full.identityId,
    name: full.identityName,
    groups: full.groups,
    ...(full.identityEmail === undefined ? {} : { email: full.identityEmail }),
    ttlSeconds,
  })
  const res = await fetch(new URL('/api/auth/admin/token', options.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: signAdminRequest(tokens.keyed, 'token', body),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  })
  const answer: unknown = await res.json().catch(() => undefined)
  if (res.ok && typeof answer === 'object' && answer !== null && 'token' in answer) {
    return String(answer.token)
  }
  throw new DaraError('DARA_ERR_TOKEN_APP_REFUSED', options.url, res.status, JSON.stringify(answer))
}
