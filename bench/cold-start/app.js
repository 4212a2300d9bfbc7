// The same route on dara-ts, as a compiled app: `dara start bench/cold-start/app.js`.
import { ConfigurationBuilder } from 'dara-ts'
import { get } from 'dara-ts/http'

export const config = new ConfigurationBuilder()
config.addEndpoint(get('/public', { authenticated: false }, () => 'Hello World'))
