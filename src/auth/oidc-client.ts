import type * as openIdClient from 'openid-client'
import type { Configuration } from 'openid-client'
import { DaraError } from '../errors.ts'
import type { OIDCAuthConfig } from './oidc-auth-config.ts'

/** The openid-client module, imported only by apps that use OpenID Connect. */
export type OpenIdClient = typeof openIdClient

/** A discovered provider: the library and its configuration for this client. */
export interface Provider {
  readonly lib: OpenIdClient
  readonly config: Configuration
}

/** How long one request to the provider may take, in seconds. */
const PROVIDER_TIMEOUT_SECONDS = 5

/**
 * The provider of one app, discovered once. A failed discovery is forgotten,
 * so the next login tries again: an app started while its provider was down
 * serves its other routes, answers logins with 503, and recovers by itself.
 */
export function createProviderLink(auth: OIDCAuthConfig, clock: () => number) {
  let pending: Promise<Provider> | undefined

  async function discover(): Promise<Provider> {
    const lib = await import('openid-client')
    const issuer = new URL(auth.issuer)
    try {
      return {
        lib,
        config: await lib.discovery(
          issuer,
          auth.clientId,
          // The app's clock, not the machine's, decides when an ID token has expired.
          { [lib.clockSkew]: Math.round((clock() - Date.now()) / 1000) },
          lib.ClientSecretBasic(auth.clientSecret),
          {
            // Plain http is allowed by OIDCAuthConfig only for a loopback issuer.
            execute: issuer.protocol === 'http:' ? [lib.allowInsecureRequests] : [],
            timeout: PROVIDER_TIMEOUT_SECONDS,
          },
        ),
      }
    } catch (error) {
      throw providerError(auth, 'discovery', error)
    }
  }

  return {
    /** The provider, discovering it if need be; throws the 503 of a provider that is down. */
    get(): Promise<Provider> {
      pending ??= discover()
      pending.catch(() => {
        pending = undefined
      })
      return pending
    },
  }
}

export type ProviderLink = ReturnType<typeof createProviderLink>

/** What the provider was asked when `error` happened, for the messages. */
export type ProviderStep = 'discovery' | 'code' | 'refresh' | 'keys'

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined
}

/** The coded error for anything openid-client (or fetch) threw while talking to the provider. */
export function providerError(auth: OIDCAuthConfig, step: ProviderStep, error: unknown): DaraError {
  if (error instanceof DaraError) return error
  const name = field(error, 'name')
  const message = String(field(error, 'message') ?? error).slice(0, 200)
  const code = field(error, 'code')
  const cause = field(error, 'cause')
  // Refused connections, resets and timeouts: nothing answered.
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    (error instanceof TypeError && /fetch failed/.test(message))
  ) {
    const reason = [field(cause, 'code'), field(cause, 'message'), message].find(
      (value) => typeof value === 'string',
    )
    return new DaraError('DARA_ERR_OIDC_PROVIDER_DOWN', auth.issuer, reason?.slice(0, 120))
  }
  if (name === 'ResponseBodyError') {
    const oauthError = String(field(error, 'error'))
    if (oauthError === 'invalid_grant') {
      return step === 'refresh'
        ? new DaraError('DARA_ERR_OIDC_REFRESH_FAILED', oauthError)
        : new DaraError('DARA_ERR_OIDC_CODE_REJECTED', oauthError)
    }
    const status = Number(field(error, 'status'))
    if (status >= 500) {
      return new DaraError('DARA_ERR_OIDC_PROVIDER_DOWN', auth.issuer, `status ${status}`)
    }
    return new DaraError('DARA_ERR_OIDC_PROVIDER_ERROR', auth.issuer, step, oauthError)
  }
  if (name === 'AuthorizationResponseError') {
    const oauthError = String(field(error, 'error'))
    const description = field(error, 'error_description')
    return new DaraError(
      'DARA_ERR_OIDC_DENIED',
      typeof description === 'string' ? `${oauthError}: ${description.slice(0, 120)}` : oauthError,
    )
  }
  // openid-client wraps oauth4webapi's error, whose own cause names the claim.
  const detail = field(cause, 'cause')
  const causeMessage = field(cause, 'message')
  const claim =
    field(detail, 'claim') ??
    (typeof causeMessage === 'string' ? /"(\w+)"/.exec(causeMessage)?.[1] : undefined)
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' && claim === 'exp') {
    return new DaraError('DARA_ERR_OIDC_TOKEN_EXPIRED', 'at the callback')
  }
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'nonce') {
    return new DaraError('DARA_ERR_OIDC_NONCE')
  }
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'iss') {
    return new DaraError('DARA_ERR_OIDC_ISSUER', 'another issuer', auth.issuer)
  }
  if (code === 'OAUTH_INVALID_RESPONSE' && claim === 'iss') {
    return new DaraError('DARA_ERR_OIDC_ISSUER', 'another issuer', auth.issuer)
  }
  if (step === 'discovery' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return new DaraError('DARA_ERR_OIDC_PROVIDER_ERROR', auth.issuer, step, message)
  }
  return new DaraError('DARA_ERR_OIDC_TOKEN_INVALID', message)
}
