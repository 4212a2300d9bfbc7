// The browser's part of an SSO login, over fetch: the app's login redirect,
// the provider's login form, and the way back, with the cookies each side
// sets. Steps are separate so that tests can tamper with any of them.
import assert from 'node:assert/strict'

/** Cookies as a browser keeps them for one site: name to value. */
export class Jar {
  readonly cookies = new Map<string, string>()
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      if (value === '' || /Max-Age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/** GET without following redirects, with and into the jar. */
export async function step(url: string, jar: Jar, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  })
  jar.take(res)
  return res
}

/** Starts a login at the app: the provider's authorization URL, the app's login cookie in `app`. */
export async function startLogin(baseUrl: string, app: Jar, redirectTo = '/'): Promise<URL> {
  const res = await step(
    `${baseUrl}/api/auth/oidc/login?redirect_to=${encodeURIComponent(redirectTo)}`,
    app,
  )
  assert.equal(res.status, 302, await res.clone().text())
  return new URL(res.headers.get('location') ?? '')
}

/** Logs `user` in at the provider from an authorization URL; resolves to the app's callback URL. */
export async function loginAtProvider(authorize: URL, user: string): Promise<URL> {
  const provider = new Jar()
  let res = await step(authorize.href, provider)
  assert.equal(res.status, 303, await res.clone().text())
  const form = new URL(res.headers.get('location') ?? '', authorize)
  res = await step(`${form.href}/submit`, provider, {
    method: 'POST',
    body: new URLSearchParams({ login: user }),
  })
  assert.equal(res.status, 303, await res.clone().text())
  res = await step(new URL(res.headers.get('location') ?? '', authorize).href, provider)
  assert.equal(res.status, 303, await res.clone().text())
  return new URL(res.headers.get('location') ?? '')
}

/** An ID token straight from the provider, as a script gets one: its own code flow with PKCE. */
export async function idTokenFor(
  issuer: string,
  client: { readonly id: string; readonly secret: string },
  user: string,
): Promise<string> {
  const { createHash, randomBytes } = await import('node:crypto')
  const verifier = randomBytes(32).toString('base64url')
  const redirectUri = 'http://127.0.0.1:9/api/auth/oidc/callback'
  const authorize = new URL(`${issuer}/auth`)
  authorize.search = new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: redirectUri,
    state: 'script',
    nonce: 'script',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString()
  const back = await loginAtProvider(authorize, user)
  const code = back.searchParams.get('code') ?? ''
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  })
  const body = (await res.json()) as { id_token?: string }
  assert.equal(res.status, 200, JSON.stringify(body))
  return body.id_token ?? ''
}
