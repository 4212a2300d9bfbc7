import { DefaultAuthConfig } from '../auth/auth-config.ts'
import { createTokenService } from '../auth/tokens.ts'
import { builderState } from '../config/state.ts'
import { DaraError } from '../errors.ts'
import { loadEntry } from './load-entry.ts'

export interface TokenCreateOptions {
  readonly entry: string
  readonly user: string
  readonly ttlSeconds: number
  readonly scopes: readonly string[] | undefined
}

/**
 * Makes a token for scripts: it authenticates as `user` on the app whose entry
 * is given, signed with the app's DARA_JWT_SECRET. Prints the token alone on
 * stdout, so that `$(dara token create ...)` captures it, and what it is on stderr.
 */
export async function tokenCreate(options: TokenCreateOptions): Promise<void> {
  const secret = process.env['DARA_JWT_SECRET']
  if (!secret) throw new DaraError('DARA_ERR_TOKEN_NO_SECRET')
  const config = await loadEntry(options.entry)
  const auth = builderState(config).auth ?? new DefaultAuthConfig()
  const tokens = createTokenService({ secret, ttlSeconds: auth.tokenTtlSeconds })
  const issued = await tokens.issue(
    { identityId: options.user, identityName: options.user, groups: [] },
    {
      ttlSeconds: options.ttlSeconds,
      ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
    },
  )
  console.log(issued.token)
  const scopes = options.scopes ? `; scopes: ${options.scopes.join(', ')}` : ''
  console.error(
    `Token for user "${options.user}", session ${issued.sessionId}, valid until ${new Date(issued.expiresAt).toISOString()}${scopes}`,
  )
}
