// Checked by `npm run typecheck`: response schemas, one or per status, type both
// what a handler may return and what the client resolves to.
import { expectTypeOf } from 'expect-type'
import { z } from 'zod'
import { createClient } from 'dara-ts/client'
import { get, post } from 'dara-ts/http'

const item = z.object({ id: z.number(), name: z.string() })
const created = z.object({ id: z.number(), created: z.literal(true) })
const stamped = z.object({ at: z.string().transform((s) => new Date(s)) })

const routes = [
  get('/item', { response: item, tags: ['items'], deprecated: true }, () => ({ id: 1, name: 'a' })),
  post('/items', { response: { 200: item, 201: created }, status: 201 }, ({ reply }) => {
    reply.code(201)
    return { id: 2, created: true as const }
  }),
  get('/stamp', { response: stamped, operationId: 'stamp' }, () => ({ at: '2026-01-01' })),
] as const

// The routes exist for their type only, as a client module would import them.
void routes
const client = createClient<typeof routes>('http://127.0.0.1:8000')
expectTypeOf(client.get('/item')).resolves.toEqualTypeOf<{ id: number; name: string }>()
expectTypeOf(client.post('/items')).resolves.toEqualTypeOf<
  { id: number; name: string } | { id: number; created: true }
>()
// The client gets the schema's output: a transform's result.
expectTypeOf(client.get('/stamp')).resolves.toEqualTypeOf<{ at: Date }>()

// A handler returns the schema's input, of any status's schema in a map.
// @ts-expect-error name must be a string
get('/bad', { response: item }, () => ({ id: 1, name: 2 }))
// @ts-expect-error neither schema of the map fits
post('/bad', { response: { 200: item, 201: created } }, () => ({ id: 1 }))
