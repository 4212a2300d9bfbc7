/**
 * Query strings carry secrets as often as not (`?token=`, `?code=`, signed
 * urls), and a log or a trace outlives the secret's own store and reaches more
 * people. So what dara-ts writes of a request's url keeps the path and the
 * query's keys, and replaces each value by this marker, unless the key is one
 * the app listed as safe (`safeQueryKeys`, `DARA_SAFE_QUERY_KEYS`).
 */
export const REDACTED = '[REDACTED]'

/** Rewrites a url, or a query without its `?`, for a log line or a span. */
export interface QueryRedaction {
  /** `/api/x?token=[REDACTED]&page=2` for `/api/x?token=abc&page=2` when `page` is safe. */
  url(url: string): string
  /** The same for a query string without its `?` (OpenTelemetry's `url.query`). */
  query(query: string): string
}

/** The redaction of an app that lists `safe` query keys (decoded names, compared exactly). */
export function queryRedaction(safe: readonly string[]): QueryRedaction {
  const keys = new Set(safe)
  const query = (raw: string): string => raw.split('&').map(redactPart).join('&')
  const redactPart = (part: string): string => {
    if (part === '') return part
    const eq = part.indexOf('=')
    const key = eq === -1 ? part : part.slice(0, eq)
    if (keys.size > 0 && keys.has(decodeKey(key))) return part
    // A bare part (`?abc123`) may be a token on its own: it is redacted whole.
    if (eq === -1) return REDACTED
    return eq === part.length - 1 ? part : `${key}=${REDACTED}`
  }
  return {
    // Most urls have no query: one indexOf, and the string itself back.
    url(url) {
      const at = url.indexOf('?')
      return at === -1 ? url : `${url.slice(0, at + 1)}${query(url.slice(at + 1))}`
    },
    query,
  }
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replaceAll('+', ' '))
  } catch {
    return key
  }
}

/** `DARA_SAFE_QUERY_KEYS`, a comma-separated list of query keys whose values may be logged. */
export function safeQueryKeysFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['DARA_SAFE_QUERY_KEYS'] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
}
