// Case "dara-ts hello": an unauthenticated dara-ts endpoint, as in the seed, on
// the options `dara start` uses (request log at info, to stdout).
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { benchSecret, serve } from './listen.ts'
import { benchTracing } from './tracing.ts'

const config = new ConfigurationBuilder()
config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))

await serve(createApp(config, { secret: benchSecret(), tracing: await benchTracing() }))
