// A local OpenID Connect provider to try examples/oidc without a real one, and
// the one the SSO tests run against: oidc-provider (the certified npm package,
// a devDependency) on 127.0.0.1, with one client and two users, and a login
// page asking for a user name only. For trying and testing, never production:
// its keys and storage are oidc-provider's development ones.
//
//   npx tsx examples/oidc/provider.ts        # listens on http://127.0.0.1:9080
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Provider } from 'oidc-provider'

export const CLIENT_ID = 'dara-app'
export const CLIENT_SECRET = 'a-client-secret-for-trying-only-0123456789'

export interface LocalUser {
  readonly name: string
  readonly email: string
  readonly groups: readonly string[]
}

export const USERS: Readonly<Record<string, LocalUser>> = {
  ada: { name: 'Ada Lovelace', email: 'ada@example.com', groups: ['analysts', 'admins'] },
  grace: { name: 'Grace Hopper', email: 'grace@example.com', groups: ['analysts'] },
}

export interface LocalProvider {
  readonly issuer: string
  readonly port: number
  /** Stops answering (and closes open connections): the provider is down. */
  stop(): Promise<void>
  /** Lifetime of the next ID tokens, in seconds. */
  idTokenSeconds: number
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString())))
    req.on('error', reject)
  })
}

/** Starts a provider whose client accepts the app's callback on any loopback port. */
export async function startLocalProvider(
  options: { readonly port?: number } = {},
): Promise<LocalProvider> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503
    res.end()
  }
  const server: Server = createServer((req, res) => handler(req, res))
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo // listening on a TCP port: an AddressInfo.
  const issuer = `http://127.0.0.1:${port}`
  const state: LocalProvider = {
    issuer,
    port,
    idTokenSeconds: 3600,
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        // A native client: a loopback redirect URI matches whatever the port (RFC 8252).
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/api/auth/oidc/callback'],
        post_logout_redirect_uris: ['http://127.0.0.1/'],
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'groups'],
      email: ['email'],
    },
    // Claims in the ID token itself, not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    cookies: { keys: ['test-provider-cookie-key'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/login/${interaction.uid}`,
    },
    issueRefreshToken: () => true,
    ttl: {
      IdToken: () => state.idTokenSeconds,
      AccessToken: 3600,
      AuthorizationCode: 60,
      RefreshToken: 86_400,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    findAccount(_ctx: unknown, sub: string) {
      const user = USERS[sub]
      if (!user) return undefined
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: user.name,
          preferred_username: sub,
          email: user.email,
          groups: [...user.groups],
        }),
      }
    },
  })
  const callback = provider.callback()
  handler = (req, res) => {
    const match = /^\/login\/([\w-]+)(\/submit)?$/.exec(req.url ?? '')
    if (!match) return callback(req, res)
    void (async () => {
      const interaction = await provider.interactionDetails(req, res)
      if (!match[2]) {
        res.setHeader('content-type', 'text/html; charset=utf-8')
        res.end(
          `<!doctype html><title>Test provider</title><form method="post" action="/login/${interaction.uid}/submit">` +
            '<label>Provider user <input name="login" autofocus></label><button>Sign in</button></form>',
        )
        return
      }
      const login = (await readForm(req)).get('login') ?? ''
      if (!USERS[login]) {
        res.statusCode = 401
        res.end('unknown user')
        return
      }
      const grant = new provider.Grant({
        accountId: login,
        clientId: String(interaction.params['client_id']),
      })
      const scope = interaction.params['scope']
      grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid')
      const grantId = await grant.save()
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: login }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      )
    })().catch((error: unknown) => {
      res.statusCode = 500
      res.end(String(error))
    })
  }
  return state
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const provider = await startLocalProvider({ port: 9080 })
  console.log(
    `OpenID Connect provider at ${provider.issuer} (users: ${Object.keys(USERS).join(', ')})`,
  )
}
