import { DaraError } from '../errors.ts'

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }
/** A year and a day, as the session layer allows: past that a token is a password nobody rotates. */
const MAX_SECONDS = 366 * 86_400
const SCOPE = /^[A-Za-z0-9_.:/-]{1,64}$/

/** `30d`, `12h`, `90m`, `3600s`, `2w` or plain seconds, as seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,9})([smhdw]?)$/.exec(text)
  const seconds = match ? Number(match[1]) * (UNITS[match[2] || 's'] ?? 1) : NaN
  if (!(seconds >= 60 && seconds <= MAX_SECONDS)) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `--expires must be a duration from 1m to 366d such as 30d, 12h or 90m, got "${text}"`,
    )
  }
  return seconds
}

/** `--user`: the identity the token speaks for. */
export function parseUser(text: string | undefined): string {
  if (text === undefined) throw new DaraError('DARA_ERR_CLI_USAGE', '--user NAME is required')
  if (text.trim() === '' || text.length > 200) {
    throw new DaraError('DARA_ERR_CLI_USAGE', '--user must be a name of 1 to 200 characters')
  }
  return text
}

/** `--scope` may repeat and may hold several scopes separated by commas or spaces. */
export function parseScopes(values: readonly string[] | undefined): readonly string[] | undefined {
  if (values === undefined) return undefined
  const scopes = [...new Set(values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean))]
  const bad = scopes.find((scope) => !SCOPE.test(scope))
  if (bad !== undefined || scopes.length === 0) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `--scope takes names of letters, digits and _ . : / - (at most 64), got "${bad ?? ''}"`,
    )
  }
  return scopes
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** `--session`: the session id `token create` printed. */
export function parseSession(text: string | undefined): string {
  if (text === undefined) throw new DaraError('DARA_ERR_CLI_USAGE', '--session ID is required')
  if (!SESSION_ID.test(text)) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `--session takes the session id that "token create" printed, got "${text.slice(0, 60)}"`,
    )
  }
  return text
}

/** `--url`: where the running app answers; default `DARA_URL`, else port `PORT` (8000) on 127.0.0.1. */
export function parseAppUrl(text: string | undefined): string {
  const given = text ?? process.env['DARA_URL'] ?? `http://127.0.0.1:${process.env['PORT'] || 8000}`
  let url: URL | undefined
  try {
    url = new URL(given)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `--url takes the app's address, such as http://127.0.0.1:8000, got "${given.slice(0, 100)}"`,
    )
  }
  return url.origin
}
