// Single sign-on with OpenID Connect: users log in at the identity provider,
// come back logged in, and the provider's `groups` claim gates a route.
// Try it with the local provider beside this file:
//
//   npx tsx examples/oidc/provider.ts                 # terminal 1
//   npx dara start examples/oidc/main.ts              # terminal 2, then open http://127.0.0.1:8000
//
// Against your own provider, set OIDC_ISSUER, OIDC_CLIENT_ID and
// OIDC_CLIENT_SECRET, and register <app origin>/api/auth/oidc/callback as the
// client's redirect URI (and <app origin>/ as its post-logout redirect URI).
import { ConfigurationBuilder } from 'dara-ts'
import { OIDCAuthConfig, USER } from 'dara-ts/auth'
import { Heading, Stack, Text } from 'dara-ts/components'
import { get } from 'dara-ts/http'

export const config = new ConfigurationBuilder()

config.addAuth(
  new OIDCAuthConfig({
    issuer: process.env['OIDC_ISSUER'] ?? 'http://127.0.0.1:9080',
    clientId: process.env['OIDC_CLIENT_ID'] ?? 'dara-app',
    clientSecret: process.env['OIDC_CLIENT_SECRET'] ?? 'a-client-secret-for-trying-only-0123456789',
    groupsClaim: 'groups',
    // Scripts may send the provider's ID token as "Authorization: Bearer <id token>".
    acceptIdTokens: true,
  }),
)

config.addPage(
  'Home',
  new Stack([
    new Heading('Who am I'),
    new Text(() => `${USER.get()?.identityName ?? '?'} (${USER.get()?.groups.join(', ') ?? ''})`),
  ]),
)
config.addEndpoint(get('/me', () => USER.get()))
config.addEndpoint(
  get('/admin/report', { groups: ['admins'] }, () => `Report for ${USER.get()?.identityName}`),
)
