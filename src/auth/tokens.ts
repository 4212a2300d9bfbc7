import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { DaraError } from '../errors.ts'
import { parseJsonObject } from './json-object.ts'
import type { Identity, UserData } from './identity.ts'

const ISSUER = 'dara-ts'
const ALGORITHM = 'HS256'
// An empty signature is still a JWT's shape: an unsecured one (alg none), refused for its algorithm.
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/
/** Verified tokens kept per app; the oldest is dropped past this. */
const CACHE_SIZE = 10_000
/** The protected header of every token signed here. */
const HEADER = base64url(JSON.stringify({ alg: ALGORITHM, typ: 'JWT' }))
/** Checked for presence in this order, as jose's jwtVerify does. */
const REQUIRED_CLAIMS = ['iss', 'exp', 'sid', 'sub'] as const

/** Milliseconds since the epoch; tests pass their own to move time. */
export type Clock = () => number

export interface TokenOptions {
  /** The HMAC secret, at least 32 bytes. */
  readonly secret: string
  readonly clock: Clock
}

export interface TokenService {
  /**
   * Signs an access token for a user's session, valid until `expiresAt` (epoch
   * ms); with `scopes`, limited to the routes that list one of them.
   */
  sign(
    user: UserData,
    sessionId: string,
    expiresAt: number,
    scopes?: readonly string[],
  ): Promise<string>
  /**
   * Checks signature, algorithm, issuer, claims and expiry against the clock.
   * Synchronous: HMAC-SHA256 of a token takes microseconds, less than a promise's turn.
   */
  verify(token: string): Identity
  /**
   * HMAC-SHA256 of `text` with the app's secret (base64url), for digests that
   * must tell nothing without it. Callers start `text` with a label and a NUL,
   * which no signed token holds, so a digest is never a token's signature.
   */
  readonly keyed: (text: string) => string
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url')
}

/** A JSON object from a base64url segment, or undefined when it is not one. */
function decodeObject(segment: string): Record<string, unknown> | undefined {
  return parseJsonObject(Buffer.from(segment, 'base64url').toString('utf8'))
}

function invalid(claim: string, missing = false): DaraError {
  return new DaraError(
    'DARA_ERR_AUTH_INVALID',
    `claim "${claim}" ${missing ? 'is missing' : 'is not valid'}`,
  )
}

/**
 * Signs and verifies one app's session tokens: HS256 JWTs (RFC 7519), with
 * node:crypto's HMAC. Only HS256 is accepted, whatever the header says, and the
 * checks are those of jose's jwtVerify with `algorithms: ['HS256']`, the issuer
 * and the required claims, in the same order.
 */
export function createTokenService(options: TokenOptions): TokenService {
  if (Buffer.byteLength(options.secret) < 32) {
    throw new DaraError('DARA_ERR_AUTH_SECRET_WEAK', Buffer.byteLength(options.secret))
  }
  const secret = Buffer.from(options.secret)
  const mac = (input: string): string =>
    createHmac('sha256', secret).update(input).digest('base64url')

  const { clock } = options
  const verified = new Map<string, Identity>()

  function check(token: string): Identity {
    if (!JWT_SHAPE.test(token)) throw new DaraError('DARA_ERR_AUTH_MALFORMED')
    const first = token.indexOf('.')
    const second = token.indexOf('.', first + 1)
    const header = decodeObject(token.slice(0, first))
    // As jose does: an empty "alg" is no algorithm at all, a malformed header.
    if (
      header === undefined ||
      typeof header['alg'] !== 'string' ||
      header['alg'] === '' ||
      'crit' in header
    ) {
      throw new DaraError('DARA_ERR_AUTH_MALFORMED')
    }
    if (header['alg'] !== ALGORITHM) {
      throw new DaraError('DARA_ERR_AUTH_INVALID', `its algorithm is not ${ALGORITHM}`)
    }
    // Compared as text in constant time: only the canonical encoding of the MAC passes.
    const given = Buffer.from(token.slice(second + 1))
    const expected = Buffer.from(mac(token.slice(0, second)))
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DaraError('DARA_ERR_AUTH_INVALID', 'its signature does not match')
    }
    const payload = decodeObject(token.slice(first + 1, second))
    if (payload === undefined) throw new DaraError('DARA_ERR_AUTH_MALFORMED')
    for (const claim of REQUIRED_CLAIMS) {
      if (!(claim in payload)) throw invalid(claim, true)
    }
    if (payload['iss'] !== ISSUER) throw invalid('iss')
    const now = Math.floor(clock() / 1000)
    const { iat, nbf, exp } = payload
    if (iat !== undefined && typeof iat !== 'number') throw invalid('iat')
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) throw invalid('nbf')
    if (typeof exp !== 'number') throw invalid('exp')
    if (exp <= now) throw new DaraError('DARA_ERR_AUTH_EXPIRED')

    const { sub, sid, name, groups } = payload
    const email = payload['email']
    const scope = payload['scope']
    if (
      (scope !== undefined && typeof scope !== 'string') ||
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      typeof name !== 'string' ||
      (email !== undefined && typeof email !== 'string') ||
      !Array.isArray(groups) ||
      !groups.every((g) => typeof g === 'string')
    ) {
      throw new DaraError('DARA_ERR_AUTH_INVALID', 'its claims are not those of a dara-ts session')
    }
    // Frozen: one request that changes USER.get() must not change what the next one sees.
    const user: UserData = Object.freeze({
      identityId: sub,
      identityName: name,
      groups: Object.freeze(groups),
      ...(email === undefined ? {} : { identityEmail: email }),
    })
    const identity: Identity = Object.freeze({
      user,
      sessionId: sid,
      expiresAt: exp * 1000,
      ...(scope === undefined ? {} : { scopes: Object.freeze(scope.split(' ').filter(Boolean)) }),
    })
    return identity
  }

  return {
    sign(user, sessionId, expiresAt, scopes) {
      const claims = {
        sid: sessionId,
        name: user.identityName,
        groups: user.groups,
        ...(user.identityEmail === undefined ? {} : { email: user.identityEmail }),
        // OAuth's spelling: one string of names separated by spaces.
        ...(scopes === undefined ? {} : { scope: scopes.join(' ') }),
        sub: user.identityId,
        iss: ISSUER,
        iat: Math.floor(clock() / 1000),
        exp: Math.floor(expiresAt / 1000),
      }
      const unsigned = `${HEADER}.${base64url(JSON.stringify(claims))}`
      return Promise.resolve(`${unsigned}.${mac(unsigned)}`)
    },

    keyed: mac,

    verify(token) {
      // A token whose signature was checked once stays good until its own expiry:
      // the cache keys on the whole token string, so nothing unverified can hit it.
      // Expiry is checked on every hit against the clock; revocation is checked
      // by the caller on every request, cached or not.
      const cached = verified.get(token)
      if (cached !== undefined) {
        if (clock() < cached.expiresAt) return cached
        verified.delete(token)
        throw new DaraError('DARA_ERR_AUTH_EXPIRED')
      }
      const identity = check(token)
      if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value ?? '')
      verified.set(token, identity)
      return identity
    },
  }
}

/** A fresh random secret of 32 bytes. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url')
}
