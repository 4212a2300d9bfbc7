import { randomBytes } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { DaraError } from '../errors.ts'
import type { Identity, UserData } from './identity.ts'

const ISSUER = 'dara-ts'
const ALGORITHM = 'HS256'
// An empty signature is still a JWT's shape: an unsecured one (alg none), refused for its algorithm.
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/
/** Verified tokens kept per app; the oldest is dropped past this. */
const CACHE_SIZE = 10_000

/** Milliseconds since the epoch; tests pass their own to move time. */
export type Clock = () => number

export interface TokenOptions {
  /** The HMAC secret, at least 32 bytes. */
  readonly secret: string
  readonly clock: Clock
}

export interface TokenService {
  /** Signs an access token for a user's session, valid until `expiresAt` (epoch ms). */
  sign(user: UserData, sessionId: string, expiresAt: number): Promise<string>
  /** Checks signature, algorithm, issuer, claims and expiry against the clock. */
  verify(token: string): Promise<Identity>
}

/** Signs and verifies one app's session tokens: HS256 JWTs, with the key imported once. */
export function createTokenService(options: TokenOptions): TokenService {
  if (Buffer.byteLength(options.secret) < 32) {
    throw new DaraError('DARA_ERR_AUTH_SECRET_WEAK', Buffer.byteLength(options.secret))
  }
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(options.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )

  const { clock } = options
  const verified = new Map<string, Identity>()

  return {
    async sign(user, sessionId, expiresAt) {
      const claims = {
        sid: sessionId,
        name: user.identityName,
        groups: user.groups,
        ...(user.identityEmail === undefined ? {} : { email: user.identityEmail }),
      }
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(user.identityId)
        .setIssuer(ISSUER)
        .setIssuedAt(Math.floor(clock() / 1000))
        .setExpirationTime(Math.floor(expiresAt / 1000))
        .sign(await key)
      return token
    },

    async verify(token) {
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
      if (!JWT_SHAPE.test(token)) throw new DaraError('DARA_ERR_AUTH_MALFORMED')
      let payload
      try {
        ;({ payload } = await jwtVerify(token, await key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          requiredClaims: ['sub', 'sid', 'exp'],
          currentDate: new Date(clock()),
        }))
      } catch (error) {
        throw classify(error)
      }
      const { sub, sid, name, groups } = payload
      const email = payload['email']
      if (
        typeof sub !== 'string' ||
        typeof sid !== 'string' ||
        typeof name !== 'string' ||
        (email !== undefined && typeof email !== 'string') ||
        !Array.isArray(groups) ||
        !groups.every((g) => typeof g === 'string')
      ) {
        throw new DaraError(
          'DARA_ERR_AUTH_INVALID',
          'its claims are not those of a dara-ts session',
        )
      }
      if (typeof payload.exp !== 'number') {
        throw new DaraError('DARA_ERR_AUTH_INVALID', 'claim "exp" is not a number')
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
        expiresAt: payload.exp * 1000,
      })
      if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value ?? '')
      verified.set(token, identity)
      return identity
    },
  }
}

function classify(error: unknown): DaraError {
  if (error instanceof errors.JWTExpired) return new DaraError('DARA_ERR_AUTH_EXPIRED')
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new DaraError('DARA_ERR_AUTH_INVALID', 'its signature does not match')
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new DaraError('DARA_ERR_AUTH_INVALID', `its algorithm is not ${ALGORITHM}`)
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new DaraError(
      'DARA_ERR_AUTH_INVALID',
      `claim "${error.claim}" ${error.reason === 'missing' ? 'is missing' : 'is not valid'}`,
    )
  }
  if (error instanceof errors.JOSEError) return new DaraError('DARA_ERR_AUTH_MALFORMED')
  throw error
}

/** A fresh random secret of 32 bytes. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url')
}
