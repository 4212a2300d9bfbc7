// A compiled dara-ts app at idle, for `npm run bench:idle-memory`: the
// cold-start app's route, and one that answers process.memoryUsage().
import process from 'node:process'
import { ConfigurationBuilder } from 'dara-ts'
import { get } from 'dara-ts/http'

export const config = new ConfigurationBuilder()
config.addEndpoint(get('/public', { authenticated: false }, () => 'Hello World'))
config.addEndpoint(get('/memory', { authenticated: false }, () => process.memoryUsage()))
