// Case "dara-ts auth": an authenticated dara-ts endpoint (the default), called
// with a Bearer token from POST /api/auth/session.
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { benchSecret, serve } from './listen.ts'

const config = new ConfigurationBuilder()
config.addEndpoint(get('/hello-auth', () => 'Hello World'))

await serve(createApp(config, { logger: false, secret: benchSecret() }))
