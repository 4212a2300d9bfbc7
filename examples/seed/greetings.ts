// Seed: "Endpoint configuration".
import { z } from 'zod'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { get } from 'dara-ts/http'

export class GreetingsConfiguration extends EndpointConfiguration<GreetingsConfiguration> {
  declare country: string
  static override schema = z.object({ country: z.string().min(1) })

  static default() {
    return new GreetingsConfiguration({ country: 'United Kingdom' })
  }
}

export const greetingsHandler = get(
  '/greetings',
  { inject: { config: GreetingsConfiguration } },
  ({ config }) => `Hello from ${config.country}`,
)
