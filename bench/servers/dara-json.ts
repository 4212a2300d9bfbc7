// Cases "20 fields": a route answering a 20-field object through JSON.stringify
// (no `response`), and the same route with a `response` schema (Fastify's
// compiled serializer; in production the value is filtered and written, not checked).
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { TWENTY_FIELDS } from '../payload.ts'
import { benchSecret, serve } from './listen.ts'

const shape: Record<string, z.ZodType> = {}
for (const [key, value] of Object.entries(TWENTY_FIELDS)) {
  shape[key] =
    typeof value === 'string'
      ? z.string()
      : typeof value === 'number'
        ? z.number()
        : typeof value === 'boolean'
          ? z.boolean()
          : z.array(z.string())
}

const config = new ConfigurationBuilder()
config.addEndpoint(get('/fields', { authenticated: false }, () => TWENTY_FIELDS))
config.addEndpoint(
  get('/fields-typed', { authenticated: false, response: z.object(shape) }, () => TWENTY_FIELDS),
)

await serve(createApp(config, { secret: benchSecret() }))
