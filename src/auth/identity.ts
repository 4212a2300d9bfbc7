import { AsyncLocalStorage } from 'node:async_hooks'

/** Who is calling: what `USER.get()` returns inside an authenticated request. */
export interface UserData {
  readonly identityId: string
  readonly identityName: string
  readonly identityEmail?: string
  readonly groups: readonly string[]
}

export interface Identity {
  readonly user: UserData
  readonly sessionId: string
  /** When the credential that proved it ends (epoch milliseconds). */
  readonly expiresAt: number
  /** Set on a token made for scripts with scopes: the routes it may call are those listing one. */
  readonly scopes?: readonly string[]
}

/** Holds the caller of the request being served, across every await below it. */
export const identityStorage = new AsyncLocalStorage<Identity>()

/**
 * The user of the current authenticated request, anywhere below it: in its
 * dependencies, after awaits, in code the handler calls. `undefined` on an
 * endpoint with `authenticated: false`.
 *
 * @example
 * ```ts
 * import { USER } from 'dara-ts/auth'
 * import { get } from 'dara-ts/http'
 *
 * export const me = get('/me', () => USER.get()?.identityName)
 * ```
 */
export const USER = {
  get: (): UserData | undefined => identityStorage.getStore()?.user,
}

/** The session id of the current authenticated request; `undefined` on an unauthenticated one. See {@link USER}. */
export const SESSION = {
  get: (): string | undefined => identityStorage.getStore()?.sessionId,
}
