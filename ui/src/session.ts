// How the UI gets its session token: the one place that knows the auth config.
// Anonymous apps get a token from POST /api/auth/session with no body; apps
// with a login get it from the same route with { username, password }, sent by
// the login page. The token is kept for the tab (sessionStorage) and sent as
// `Authorization: Bearer <token>`.
import type { UiConfigJson } from 'dara-ts/components'

const KEY = 'dara-ts.token'

/** Thrown when the app needs a login before it can go on. */
export class LoginRequired extends Error {
  constructor() {
    super('Log in to continue')
  }
}

let config: Promise<UiConfigJson> | undefined

/** The app's UI config, fetched once. */
export function uiConfig(): Promise<UiConfigJson> {
  config ??= fetch('/api/core/config').then(async (res) => {
    if (!res.ok) throw new Error(`GET /api/core/config answered ${res.status}`)
    return (await res.json()) as UiConfigJson
  })
  return config
}

async function requestToken(body: unknown): Promise<string> {
  const res = await fetch('/api/auth/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  const payload: unknown = await res.json().catch(() => null)
  if (res.ok && typeof payload === 'object' && payload !== null && 'token' in payload) {
    const token = String(payload.token)
    sessionStorage.setItem(KEY, token)
    return token
  }
  throw new Error(errorDetail(payload) ?? `Could not start a session (${res.status})`)
}

/** The session token: the kept one, else a new anonymous one, else LoginRequired. */
export async function token(): Promise<string> {
  const kept = sessionStorage.getItem(KEY)
  if (kept) return kept
  const { auth } = await uiConfig()
  if (auth === 'anonymous') return requestToken({})
  throw new LoginRequired()
}

/** Logs in with a user name and password; throws with the server's detail when refused. */
export async function login(username: string, password: string): Promise<void> {
  await requestToken({ username, password })
}

/** Drops the token, after the server refused it. */
export function forgetToken(): void {
  sessionStorage.removeItem(KEY)
}

/** The server's `detail`, as a sentence, if the body has one. */
export function errorDetail(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || !('detail' in payload)) return undefined
  const { detail } = payload
  if (typeof detail === 'string') return detail
  return JSON.stringify(detail)
}
