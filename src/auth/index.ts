/**
 * Who may call: auth configs, and the current request's `USER` and `SESSION`.
 * The twin of Dara's `dara.core.auth`.
 *
 * @module
 */
export { USER, SESSION } from './identity.ts'
export type { UserData } from './identity.ts'
export { AuthConfig, DefaultAuthConfig } from './auth-config.ts'
