// Case "dara-ts + metrics": the "dara-ts" endpoint with Prometheus metrics on.
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { benchSecret, serve } from './listen.ts'

const config = new ConfigurationBuilder()
config.addEndpoint(get('/hello', { authenticated: false }, () => 'Hello World'))
config.enableMetrics({ token: 'bench-metrics-token-0123456789' })

await serve(createApp(config, { secret: benchSecret() }))
