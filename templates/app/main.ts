// A dara-ts app. `npm run dev` serves it on http://127.0.0.1:8000 and restarts
// it when a file changes; http://127.0.0.1:8000/api/docs lists its endpoints.
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { USER } from 'dara-ts/auth'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { get } from 'dara-ts/http'

/** A value the people who deploy the app choose, checked by its schema when it is built. */
export class Greeting extends EndpointConfiguration<Greeting> {
  declare word: string
  static override schema = z.object({ word: z.string().min(1) })
}

/**
 * Public: anyone may call it.
 * curl 'http://127.0.0.1:8000/api/hello?name=Ada'
 */
export const hello = get(
  '/hello',
  {
    authenticated: false,
    query: z.object({ name: z.string().min(1).max(100).default('world') }),
    inject: { greeting: Greeting },
  },
  ({ query, greeting }) => ({ message: `${greeting.word}, ${query.name}!` }),
)

/**
 * Authenticated (the default): only a caller with a token.
 * TOKEN=$(curl -s -X POST http://127.0.0.1:8000/api/auth/session | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
 * curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/me
 */
export const me = get('/me', () => ({ user: USER.get()?.identityName }))

export const config = new ConfigurationBuilder()
// The default auth gives a session to whoever asks for one. For real logins:
// config.addAuth(new BasicAuthConfig({ username: 'ada', password: '...' })) from 'dara-ts/auth'.
config.addEndpoint(hello)
config.addEndpoint(me)
config.addConfiguration(new Greeting({ word: 'Hello' }))
