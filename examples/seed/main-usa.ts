// The seed's second configuration snippet: the same endpoint, configured by the
// person who deploys it. GET /api/greetings answers "Hello from USA".
import { ConfigurationBuilder } from 'dara-ts'
import { GreetingsConfiguration, greetingsHandler } from './greetings.ts'

export const config = new ConfigurationBuilder()

config.addConfiguration(new GreetingsConfiguration({ country: 'USA' }))
config.addEndpoint(greetingsHandler)
