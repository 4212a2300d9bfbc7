import type { UserData } from './identity.ts'

/**
 * How users prove who they are. An auth config turns the body of
 * `POST /api/auth/session` into a user, or throws an HttpError (401) when the
 * credentials are wrong. Subclass it to log users in against your own directory.
 *
 * @example
 * ```ts
 * import { AuthConfig } from 'dara-ts/auth'
 * import { HttpError } from 'dara-ts/http'
 *
 * class TeamAuthConfig extends AuthConfig {
 *   authenticate(body: unknown) {
 *     const name = (body as { name?: unknown } | undefined)?.name
 *     if (name !== 'ada') throw new HttpError(401, 'Unknown user')
 *     return { identityId: 'ada', identityName: 'Ada', groups: ['admins'] }
 *   }
 * }
 * ```
 */
export abstract class AuthConfig {
  /** How long a session token lives, in seconds. */
  readonly tokenTtlSeconds: number = 86_400

  /** Credentials in, user out; may be async. */
  abstract authenticate(body: unknown): UserData | Promise<UserData>
}

/**
 * Anonymous sessions, Dara's default: anyone who asks `POST /api/auth/session`
 * gets a token for the user `user`, in a session of its own. Endpoints still
 * need that token, so scripts and the UI go through the same checks as with a
 * real login.
 */
export class DefaultAuthConfig extends AuthConfig {
  authenticate(): UserData {
    return { identityId: 'user', identityName: 'user', groups: [] }
  }
}
