// The seed's endpoints behind a real login: basic auth for one user, plus an
// admin-only route. Start it with `npx dara start examples/basic-auth/main.ts`.
// The password comes from EXAMPLE_PASSWORD (plain, or a `dara hash-password`
// hash); without it, the demo password below.
import { ConfigurationBuilder } from 'dara-ts'
import { BasicAuthConfig, MultiBasicAuthConfig, USER } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { custom } from '../seed/hello.ts'
import { greetingsHandler } from '../seed/greetings.ts'
import { customHandler, publicHandler } from '../seed/user-data.ts'

export const config = new ConfigurationBuilder()

const password = process.env['EXAMPLE_PASSWORD'] ?? 'dara-demo'
config.addAuth(
  process.env['EXAMPLE_MULTI_USER'] === '1'
    ? new MultiBasicAuthConfig({
        users: { admin: { password, groups: ['admins'] }, guest: 'guest-demo' },
      })
    : new BasicAuthConfig({ username: 'admin', password }),
)

config.addEndpoint(custom)
config.addEndpoint(greetingsHandler)
config.addEndpoint(customHandler)
config.addEndpoint(publicHandler)
config.addEndpoint(
  get('/admin/report', { groups: ['admins'] }, () => `Report for ${USER.get()?.identityName}`),
)
