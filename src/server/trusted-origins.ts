import { DaraError } from '../errors.ts'
import type { AuthHookOptions } from './auth.ts'
import { isOrigin, type CorsOptions } from './security.ts'

/**
 * The origins besides the app's own that its CSRF checks accept:
 * `trustedOrigins` (else `DARA_TRUSTED_ORIGINS`), and the CORS origins. A CORS
 * origin allowed with credentials is the app's own front end on another
 * origin, so its cookie requests pass; one allowed without credentials may
 * log in (it gets a token to send as Bearer) but its cookie requests stay
 * refused, since the app said it may not use the cookie. `*` trusts nobody.
 */
export function trustedOrigins(
  given: readonly string[] | undefined,
  cors: CorsOptions | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AuthHookOptions {
  const raw = env['DARA_TRUSTED_ORIGINS']
  const [name, listed] =
    given !== undefined
      ? ['trustedOrigins', given]
      : ['DARA_TRUSTED_ORIGINS', (raw ?? '').split(',').map((o) => o.trim())]
  const own = listed.filter(Boolean)
  for (const origin of own) {
    if (!isOrigin(origin)) {
      throw new DaraError(
        'DARA_ERR_SERVER_OPTION_INVALID',
        name,
        'a list of origins such as https://app.example.com (scheme, host, optional port)',
        JSON.stringify(origin),
      )
    }
  }
  const corsOrigins = (cors?.origins ?? []).filter((origin) => origin !== '*')
  return {
    trustedOrigins: new Set([...own, ...(cors?.credentials ? corsOrigins : [])]),
    loginOrigins: new Set([...own, ...corsOrigins]),
  }
}
