import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { DaraError } from '../errors.ts'
import { parseJsonObject } from './json-object.ts'
import type { Clock } from './tokens.ts'

/** What an admin request may do: make a token, or revoke sessions. */
export type AdminAction = 'token' | 'revoke'

/** The scheme of the Authorization header of an admin request. */
export const ADMIN_SCHEME = 'DaraAdmin'
/** Keeps admin MACs apart from token signatures and from every other keyed digest. */
const LABEL = 'dara-ts admin\0'
/** Seconds an admin request stays good: it is made and sent by one command. */
const LIFETIME_SECONDS = 60
const SHAPE = /^DaraAdmin ([\w-]+)\.([\w-]{43})$/

/** HMAC-SHA256 with the app's secret, as the token service makes it. */
type Keyed = (text: string) => string

function bodyDigest(body: string): string {
  return createHash('sha256').update(body).digest('base64url')
}

/**
 * The Authorization value of an admin request: what it does and a digest of
 * its exact body, valid for a minute, once, MACed with the app's secret. Only
 * someone holding the secret (which could sign any token anyway) makes one.
 */
export function signAdminRequest(keyed: Keyed, action: AdminAction, body: string): string {
  const claims = Buffer.from(
    JSON.stringify({
      act: action,
      body: bodyDigest(body),
      exp: Math.floor(Date.now() / 1000) + LIFETIME_SECONDS,
      jti: randomUUID(),
    }),
  ).toString('base64url')
  return `${ADMIN_SCHEME} ${claims}.${keyed(LABEL + claims)}`
}

/** Checks admin requests for one app, remembering those used until they expire. */
export function createAdminCheck(keyed: Keyed, clock: Clock) {
  const used = new Map<string, number>()
  const refuse = (why: string): never => {
    throw new DaraError('DARA_ERR_AUTH_ADMIN', why)
  }
  return function checkAdmin(header: string | undefined, action: AdminAction, body: string): void {
    const match = SHAPE.exec(header ?? '')
    if (!match) return refuse(`send "Authorization: ${ADMIN_SCHEME} ..."`)
    const [, claims = '', mac = ''] = match
    const expected = Buffer.from(keyed(LABEL + claims))
    if (!timingSafeEqual(Buffer.from(mac), expected)) {
      return refuse("its signature does not match: it was not made with this app's secret")
    }
    const payload = parseJsonObject(Buffer.from(claims, 'base64url').toString('utf8')) ?? {}
    const { act, exp, jti } = payload
    const now = Math.floor(clock() / 1000)
    if (typeof exp !== 'number' || exp <= now || exp > now + LIFETIME_SECONDS * 2) {
      return refuse('it has expired (or the clocks differ by more than a minute)')
    }
    if (act !== action || payload['body'] !== bodyDigest(body)) {
      return refuse('it was made for another request')
    }
    if (typeof jti !== 'string' || used.has(jti)) return refuse('it was used before')
    for (const [id, end] of used) if (end <= now) used.delete(id)
    used.set(jti, exp)
  }
}
