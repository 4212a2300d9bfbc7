// The same app as app.js, in TypeScript: `dara start` loads it through tsx.
import { ConfigurationBuilder } from 'dara-ts'
import { get } from 'dara-ts/http'

export const config = new ConfigurationBuilder()
config.addEndpoint(get('/public', { authenticated: false }, () => 'Hello World'))
