// Shared setup for the auth, socket and CLI tests: a fixed secret, an app that
// always closes, logging in, and tokens forged with jose the way an attacker (or
// another app) would make them.
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { SignJWT, UnsecuredJWT, decodeJwt } from 'jose'
import { createApp, type AppOptions, type ConfigurationBuilder, type DaraApp } from 'dara-ts'
import { AuthConfig, type UserData } from 'dara-ts/auth'
import { HttpError } from 'dara-ts/http'

/** The signing secret of the apps under test: 40 bytes, above the 32-byte minimum. */
export const SECRET = 'dara-ts-tests-secret-0123456789-abcdefgh'
/** Another valid secret, for tokens that some other app signed. */
export const OTHER_SECRET = 'another-app-secret-9876543210-zyxwvutsrq'

/** Builds an app with logging off and closes it when the test ends. */
export function buildApp(
  t: TestContext,
  config: ConfigurationBuilder,
  secret = SECRET,
  options: AppOptions = {},
): DaraApp {
  const app = createApp(config, { logger: false, secret, ...options })
  t.after(() => app.close())
  return app
}

/** A clock that moves only when the test says: for expiry without sleeping. */
export function manualClock(start = Date.UTC(2030, 0, 1)) {
  let now = start
  return {
    now: (): number => now,
    advance(ms: number): void {
      now += ms
    },
    set(ms: number): void {
      now = ms
    },
  }
}

/** `POST /api/auth/session` with an optional JSON body; fails the test unless it answers a token. */
export async function login(app: DaraApp, body?: unknown): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/session',
    ...(body === undefined
      ? {}
      : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  assert.equal(res.statusCode, 200, res.body)
  return tokenOf(res.json())
}

/** The token of a `POST /api/auth/session` answer; fails the test on any other body. */
export function tokenOf(body: unknown): string {
  assert.ok(
    typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string',
    `expected { token }, got ${JSON.stringify(body)}`,
  )
  return body.token
}

/** The Authorization header for a token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

/** The claims of a token, read without checking it. */
export function claimsOf(token: string): { sub: string; sid: string; name: string } {
  const claims = decodeJwt(token)
  const { sub, sid, name } = claims
  assert.ok(typeof sub === 'string' && typeof sid === 'string' && typeof name === 'string')
  return { sub, sid, name }
}

export interface ForgeOptions {
  /** HMAC secret; default {@link SECRET}, so the token is valid unless something else is off. */
  readonly secret?: string
  /** JWS algorithm: HS256 unless set. */
  readonly alg?: 'HS256' | 'HS384' | 'HS512'
  /** Claims to add or override. */
  readonly claims?: Record<string, unknown>
  /** Claims to leave out. */
  readonly omit?: readonly string[]
}

/** The claims of a dara-ts session, valid for ten minutes. */
export function sessionClaims(
  overrides: Record<string, unknown> = {},
  omit: readonly string[] = [],
) {
  const now = Math.floor(Date.now() / 1000)
  const claims: Record<string, unknown> = {
    sub: 'forged-user',
    sid: 'forged-session',
    name: 'Forged User',
    groups: [],
    iss: 'dara-ts',
    iat: now,
    exp: now + 600,
    ...overrides,
  }
  for (const key of omit) delete claims[key]
  return claims
}

/** Signs a token the way dara-ts does, with whatever the options change. */
export async function forgeToken(options: ForgeOptions = {}): Promise<string> {
  const { secret = SECRET, alg = 'HS256', claims = {}, omit = [] } = options
  return new SignJWT(sessionClaims(claims, omit))
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(new TextEncoder().encode(secret))
}

/** An unsecured JWT (`alg: none`, empty signature) carrying valid session claims. */
export function unsecuredToken(): string {
  return new UnsecuredJWT(sessionClaims()).encode()
}

/**
 * Logs in anyone who sends `{ "name": "..." }`, as that name: lets a test hold
 * tokens of many different users.
 */
export class NamedAuth extends AuthConfig {
  authenticate(body: unknown): UserData {
    const name = typeof body === 'object' && body !== null && 'name' in body ? body.name : undefined
    if (typeof name !== 'string' || name === '') throw new HttpError(401, 'Send { "name": "..." }')
    return { identityId: name, identityName: name, groups: [] }
  }
}
