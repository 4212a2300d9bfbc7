import type { SessionStore } from '../auth/session-store.ts'
import { DaraError } from '../errors.ts'

/** The methods the app calls on a session store: what tells one from anything else. */
const METHODS = [
  'isRevoked',
  'create',
  'findSession',
  'findByHandle',
  'rotate',
  'revoke',
  'revokeUser',
  'reserveAttempt',
  'releaseAttempt',
  'clearAttempts',
  'ready',
  'close',
] as const

function isSessionStore(value: unknown): value is SessionStore {
  if (typeof value !== 'object' || value === null) return false
  return METHODS.every((name) => typeof Reflect.get(value, name) === 'function')
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`
  if (value === undefined) return 'undefined'
  if (typeof value !== 'object') return `a ${typeof value}`
  if (typeof Reflect.get(value, 'then') === 'function') return 'a Promise'
  const missing = METHODS.filter((name) => typeof Reflect.get(value, name) !== 'function')
  const name: unknown = value.constructor?.name
  const what =
    typeof name === 'string' && name !== 'Object' ? `an instance of ${name}` : 'a plain object'
  return `${what} without ${missing.join(', ')}`
}

/**
 * The store `config.setSessionStore()` was given: a store as it is, or what a
 * factory returns, called once, here, with `config` (Dara's
 * `auth_session_backend` takes either too). Anything else stops the start with
 * DARA_ERR_SESSION_STORE_INVALID, at the line that set it, rather than a
 * TypeError at the first request.
 */
export function sessionStoreArg<C>(given: unknown, config: C): SessionStore {
  if (isSessionStore(given)) return given
  if (typeof given !== 'function')
    throw new DaraError('DARA_ERR_SESSION_STORE_INVALID', describe(given))
  // A class is a function too, but calling it without `new` is a TypeError.
  if (/^class\b/.test(Function.prototype.toString.call(given))) {
    throw new DaraError(
      'DARA_ERR_SESSION_STORE_INVALID',
      `the class ${given.name} itself, not an instance (write new ${given.name}({ ... }))`,
    )
  }
  const made: unknown = Reflect.apply(given, undefined, [config])
  if (isSessionStore(made)) return made
  throw new DaraError(
    'DARA_ERR_SESSION_STORE_INVALID',
    `a factory that returned ${describe(made)}${typeof Reflect.get(Object(made), 'then') === 'function' ? ' (a factory must return the store itself, not a promise of it)' : ''}`,
  )
}
