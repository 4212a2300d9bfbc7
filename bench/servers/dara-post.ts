// Cases "dara-ts POST": the same order endpoint twice, one whose 1 KiB JSON
// body is validated by a zod schema, one that takes the parsed body as it is.
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { post } from 'dara-ts/http'
import { z } from 'zod'
import { benchSecret, serve } from './listen.ts'

const Order = z.object({
  id: z.string().min(1),
  customer: z.object({ name: z.string(), email: z.email() }),
  tags: z.array(z.string()),
  items: z
    .array(
      z.object({
        sku: z.string(),
        name: z.string(),
        quantity: z.int().positive(),
        price: z.number().nonnegative(),
      }),
    )
    .min(1),
  note: z.string().max(2000),
})

/** The unvalidated route reads the two fields it answers with, and trusts the rest. */
function summary(body: unknown): { id: unknown; items: unknown } {
  if (typeof body !== 'object' || body === null || !('id' in body) || !('items' in body)) {
    return { id: null, items: null }
  }
  return { id: body.id, items: Array.isArray(body.items) ? body.items.length : null }
}

const config = new ConfigurationBuilder()
config.addEndpoint(post('/orders', { authenticated: false }, ({ body }) => summary(body)))
config.addEndpoint(
  post('/orders-checked', { authenticated: false, body: Order }, ({ body }) => ({
    id: body.id,
    items: body.items.length,
  })),
)

await serve(createApp(config, { secret: benchSecret() }))
