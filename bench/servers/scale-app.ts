// The app of `npm run bench:scale`, run by `dara start` itself (with and without
// --workers, and three times behind HAProxy): the hello and authenticated
// endpoints of servers/dara-hello.ts and servers/dara-auth.ts, in one entry.
import { ConfigurationBuilder } from 'dara-ts'
import { DefaultAuthConfig, SESSION, USER } from 'dara-ts/auth'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, get } from 'dara-ts/http'

class Greeting extends EndpointConfiguration<Greeting> {
  declare readonly text: string
}

const callerTag = dependency(({ headers }) => headers['x-caller-tag'] ?? 'none')

export const config = new ConfigurationBuilder()
config.addAuth(new DefaultAuthConfig({ tokenTtlSeconds: 3600 }))
config.addConfiguration(new Greeting({ text: 'Hello World' }))
config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))
config.addEndpoint(
  get('/hello-auth', { inject: { greeting: Greeting, tag: callerTag } }, ({ greeting }) => {
    if (USER.get() === undefined || SESSION.get() === undefined) throw new Error('no caller')
    return greeting.text
  }),
)
