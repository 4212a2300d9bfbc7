import { createHash } from 'node:crypto'
import type { JWTVerifyGetKey } from 'jose'
import { DaraError } from '../errors.ts'
import type { Identity } from './identity.ts'
import { parseJsonObject } from './json-object.ts'
import type { OIDCAuthConfig } from './oidc-auth-config.ts'
import { providerError, type ProviderLink } from './oidc-client.ts'

function segment(token: string, index: number): Record<string, unknown> | undefined {
  const part = token.split('.')[index]
  return part === undefined ? undefined : parseJsonObject(Buffer.from(part, 'base64url').toString())
}

/**
 * Checks the provider's ID tokens sent as `Authorization: Bearer` by scripts:
 * signature against the provider's published keys (fetched again when a token
 * names a key not seen yet, so key rotation needs nothing), issuer, audience
 * (the client id) and expiry against the app's clock. Returns undefined for a
 * token that is not one of the provider's (a dara-ts token: HS256), which the
 * app's own checks then take.
 */
export function createIdTokenBearer(auth: OIDCAuthConfig, link: ProviderLink, clock: () => number) {
  let keys: Promise<JWTVerifyGetKey> | undefined

  async function keySet() {
    const { config } = await link.get()
    const uri = config.serverMetadata().jwks_uri
    if (uri === undefined) {
      throw new DaraError('DARA_ERR_OIDC_PROVIDER_ERROR', auth.issuer, 'discovery', 'no jwks_uri')
    }
    const jose = await import('jose')
    return jose.createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000 })
  }

  async function verify(token: string): Promise<Identity> {
    const claims = segment(token, 1)
    if (claims === undefined) throw new DaraError('DARA_ERR_AUTH_MALFORMED')
    // Said before the signature is checked: a token from another provider is
    // refused for what it is, not as a bad signature.
    if (claims['iss'] !== auth.issuer) {
      const iss = typeof claims['iss'] === 'string' ? claims['iss'].slice(0, 200) : '(none)'
      throw new DaraError('DARA_ERR_OIDC_ISSUER', `issuer ${iss}`, auth.issuer)
    }
    keys ??= keySet()
    keys.catch(() => {
      keys = undefined
    })
    const jose = await import('jose')
    let payload: Record<string, unknown>
    try {
      ;({ payload } = await jose.jwtVerify(token, await keys, {
        issuer: auth.issuer,
        audience: auth.clientId,
        currentDate: new Date(clock()),
        requiredClaims: ['sub', 'exp'],
      }))
    } catch (error) {
      if (error instanceof jose.errors.JWTExpired) {
        throw new DaraError('DARA_ERR_OIDC_TOKEN_EXPIRED', 'sent as a Bearer')
      }
      if (error instanceof jose.errors.JOSEError && !(error instanceof jose.errors.JWKSTimeout)) {
        throw new DaraError('DARA_ERR_OIDC_TOKEN_INVALID', error.message.slice(0, 200))
      }
      throw providerError(auth, 'keys', error)
    }
    const user = auth.userOf(payload)
    const sessionId = `oidc-id-token:${createHash('sha256').update(token).digest('base64url').slice(0, 32)}`
    return { user, sessionId, expiresAt: Number(payload['exp']) * 1000 }
  }

  return function idTokenBearer(token: string): Promise<Identity> | undefined {
    // A dara-ts token is always HS256; the provider signs with its own keys.
    const header = segment(token, 0)
    if (header === undefined || header['alg'] === 'HS256') return undefined
    return verify(token)
  }
}
