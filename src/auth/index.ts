/**
 * Who may call: auth configs, sessions and their stores, and the current
 * request's `USER` and `SESSION`. The twin of Dara's `dara.core.auth`.
 *
 * @module
 */
export { USER, SESSION } from './identity.ts'
export type { UserData } from './identity.ts'
export { AuthConfig, DefaultAuthConfig } from './auth-config.ts'
export type { AuthConfigOptions, LoginLimit } from './auth-config.ts'
export { BasicAuthConfig, MultiBasicAuthConfig } from './basic-auth-config.ts'
export type { BasicAuthOptions, BasicUser } from './basic-auth-config.ts'
export { OIDCAuthConfig } from './oidc-auth-config.ts'
export type { OIDCAuthOptions } from './oidc-auth-config.ts'
export type { PasswordChecks } from './password-gate.ts'
export { hashPassword, verifyPassword } from './password.ts'
export { MemorySessionStore } from './memory-session-store.ts'
export type { MemorySessionStoreOptions } from './memory-session-store.ts'
export { RedisSessionStore } from './redis-session-store.ts'
export type { RedisSessionStoreOptions } from './redis-session-store.ts'
export type {
  AttemptCounter,
  AttemptRule,
  Reservation,
  RotateResult,
  SessionKeys,
  SessionStore,
  StoredSession,
} from './session-store.ts'
export { SESSION_COOKIE } from './sessions.ts'
export type { TokenPair } from './sessions.ts'
