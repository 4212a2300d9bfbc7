// Case "dara-ts authenticated": the default kind of endpoint. It checks the
// Bearer token (signature, expiry, revocation), reads USER and SESSION, and
// receives one injected configuration and one dependency's value: what the
// FastAPI baseline does for Dara. The session store is memory, or Redis when the
// runner sets DARA_REDIS_URL. Tokens live an hour, longer than a full run.
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { DefaultAuthConfig, SESSION, USER } from 'dara-ts/auth'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, get } from 'dara-ts/http'
import { benchSecret, serve } from './listen.ts'
import { benchTracing } from './tracing.ts'

class Greeting extends EndpointConfiguration<Greeting> {
  declare readonly text: string
}

const callerTag = dependency(({ headers }) => headers['x-caller-tag'] ?? 'none')

const config = new ConfigurationBuilder()
config.addAuth(new DefaultAuthConfig({ tokenTtlSeconds: 3600 }))
config.addConfiguration(new Greeting({ text: 'Hello World' }))
config.addEndpoint(
  get('/hello-auth', { inject: { greeting: Greeting, tag: callerTag } }, ({ greeting }) => {
    if (USER.get() === undefined || SESSION.get() === undefined) throw new Error('no caller')
    return greeting.text
  }),
)

await serve(createApp(config, { secret: benchSecret(), tracing: await benchTracing() }))
