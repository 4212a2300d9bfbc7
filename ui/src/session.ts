// How the UI gets its session: the one place that knows the auth config.
// The session lives in the HttpOnly cookie that POST /api/auth/session sets,
// so no script ever holds a token and a reload keeps the session. Anonymous
// apps open one with an empty login; apps with a login get it from the login
// page, which posts { username, password } there; apps with single sign-on
// send the browser to the identity provider. A request the server refuses
// with 401 opens a new anonymous session once, or asks for the login page.
import type { UiConfigJson } from 'dara-ts/components'

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

/** Whether this page has made or found a session: `/api/core/config` says if the cookie holds one. */
let hasSession: boolean | undefined

/**
 * Makes sure the page has a session before its first authenticated request,
 * so that a first visit is not answered 401: an anonymous app opens one, an
 * app with a login throws LoginRequired.
 */
export async function ensureSession(): Promise<void> {
  const { session, auth } = await uiConfig()
  hasSession ??= session
  if (!hasSession) await renewSession()
  if (auth === 'oidc' && renewal === undefined) await scheduleRenewal()
}

/** The timer of the next renewal through the provider (single sign-on only). */
let renewal: ReturnType<typeof setTimeout> | undefined

/**
 * Single sign-on: the session is renewed through the provider's refresh token
 * before it ends (a minute before, or halfway through a shorter one), so a
 * user at work never meets the 401 of an ended session. If the provider
 * refuses, the next request's 401 sends the browser to it (renewSession).
 */
async function scheduleRenewal(): Promise<void> {
  const res = await fetch('/api/auth/verify-session', { method: 'POST' })
  const body: unknown = res.ok ? await res.json().catch(() => null) : null
  const at =
    typeof body === 'object' && body !== null && 'expiresAt' in body
      ? Date.parse(String(body.expiresAt))
      : NaN
  if (Number.isNaN(at)) return
  const left = at - Date.now()
  const lead = Math.min(60_000, left / 2)
  clearTimeout(renewal)
  renewal = setTimeout(() => void renewAhead(), Math.max(1_000, left - lead))
}

async function renewAhead(): Promise<void> {
  renewal = undefined
  const res = await fetch('/api/auth/oidc/refresh', { method: 'POST' })
  if (!res.ok) return
  hasSession = true
  await scheduleRenewal()
}

async function openSession(body: unknown): Promise<void> {
  const res = await fetch('/api/auth/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.ok) {
    hasSession = true
    return
  }
  const payload: unknown = await res.json().catch(() => null)
  throw new Error(errorDetail(payload) ?? `Could not start a session (${res.status})`)
}

/** After a 401: a new anonymous session, or LoginRequired when the app needs a login. */
export async function renewSession(): Promise<void> {
  const { auth } = await uiConfig()
  if (auth === 'anonymous') return openSession({})
  if (auth === 'oidc') return renewThroughProvider()
  throw new LoginRequired()
}

const SSO_ATTEMPT = 'dara-sso-attempt'

/**
 * Single sign-on: the provider's refresh token first (no page change), else
 * the browser goes to the provider and comes back here logged in. A second
 * trip within a few seconds means the first opened no session: say so rather
 * than loop between the app and the provider.
 */
async function renewThroughProvider(): Promise<void> {
  const res = await fetch('/api/auth/oidc/refresh', { method: 'POST' })
  if (res.ok) {
    hasSession = true
    return
  }
  const last = Number(sessionStorage.getItem(SSO_ATTEMPT) ?? 0)
  if (Date.now() - last < 15_000) {
    sessionStorage.removeItem(SSO_ATTEMPT)
    throw new Error('Login through the identity provider opened no session; reload to try again')
  }
  sessionStorage.setItem(SSO_ATTEMPT, String(Date.now()))
  const here = window.location.pathname + window.location.search
  window.location.assign(`/api/auth/oidc/login?redirect_to=${encodeURIComponent(here)}`)
  return new Promise<never>(() => undefined)
}

/** Logs in with a user name and password; throws with the server's detail when refused. */
export function login(username: string, password: string): Promise<void> {
  return openSession({ username, password })
}

/** Ends the session everywhere; the next request asks for the login page again. */
export async function logout(): Promise<void> {
  const { auth } = await uiConfig()
  if (auth !== 'oidc') {
    await fetch('/api/auth/revoke-session', { method: 'POST' })
    hasSession = false
    return
  }
  // Logged out here, then at the provider (RP-initiated logout), which sends the browser back.
  clearTimeout(renewal)
  sessionStorage.removeItem(SSO_ATTEMPT)
  const res = await fetch('/api/auth/oidc/logout', { method: 'POST' })
  const body: unknown = await res.json().catch(() => null)
  const next =
    typeof body === 'object' && body !== null && 'redirectUri' in body ? body.redirectUri : null
  window.location.assign(typeof next === 'string' ? next : '/')
  return new Promise<never>(() => undefined)
}

/** The server's `detail`, as a sentence, if the body has one. */
export function errorDetail(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || !('detail' in payload)) return undefined
  const { detail } = payload
  if (typeof detail === 'string') return detail
  return JSON.stringify(detail)
}
