import { randomBytes, randomUUID } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { DaraError } from '../errors.ts'
import type { Identity, UserData } from './identity.ts'

const ISSUER = 'dara-ts'
const ALGORITHM = 'HS256'
// An empty signature is still a JWT's shape: an unsecured one (alg none), refused for its algorithm.
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/
/** Verified tokens kept per app; the oldest is dropped past this. */
const CACHE_SIZE = 10_000

export interface TokenOptions {
  /** The HMAC secret, at least 32 bytes. */
  readonly secret: string
  /** Token lifetime in seconds. */
  readonly ttlSeconds: number
}

/** What a token may carry beside its user. */
export interface IssueOptions {
  /** Lifetime in seconds, instead of the app's. */
  readonly ttlSeconds?: number
  /** Limits the token to routes that list one of these in `options.scopes`. */
  readonly scopes?: readonly string[]
}

export interface TokenService {
  issue(
    user: UserData,
    options?: IssueOptions,
  ): Promise<{ token: string; sessionId: string; expiresAt: number }>
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

  const verified = new Map<string, { identity: Identity; expiresAt: number }>()

  return {
    async issue(user, extra = {}) {
      const sessionId = randomUUID()
      const claims = {
        sid: sessionId,
        name: user.identityName,
        groups: user.groups,
        ...(user.identityEmail === undefined ? {} : { email: user.identityEmail }),
        // OAuth's spelling: one string of names separated by spaces.
        ...(extra.scopes === undefined ? {} : { scope: extra.scopes.join(' ') }),
      }
      const expiresAt = Math.floor(Date.now() / 1000) + (extra.ttlSeconds ?? options.ttlSeconds)
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(user.identityId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(await key)
      return { token, sessionId, expiresAt: expiresAt * 1000 }
    },

    async verify(token) {
      // A token whose signature was checked once stays good until its own expiry:
      // the cache keys on the whole token string, so nothing unverified can hit it.
      const cached = verified.get(token)
      if (cached !== undefined) {
        if (Date.now() < cached.expiresAt) return cached.identity
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
        }))
      } catch (error) {
        throw classify(error)
      }
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
        ...(scope === undefined ? {} : { scopes: Object.freeze(scope.split(' ').filter(Boolean)) }),
      })
      if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value ?? '')
      verified.set(token, { identity, expiresAt: payload.exp * 1000 })
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

/** A secret for an app whose environment gives none: random, so tokens die with the process. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url')
}
