// Checked by `npm run typecheck`: the client's paths, inputs and results come
// from the routes' urls and schemas. Each `@ts-expect-error` must be an error.
import { expectTypeOf } from 'expect-type'
import { z } from 'zod'
import { createClient, type ResponseError } from 'dara-ts/client'
import { get, post } from 'dara-ts/http'
import type { routes } from '../../examples/api/routes.ts'

type Item = { id: number; name: string; owner: string }
const client = createClient<typeof routes>('http://127.0.0.1:8000', { token: 't' })

// Results: the response schema's output, else what the handler returns.
expectTypeOf(client.get('/greetings')).resolves.toEqualTypeOf<{ message: string }>()
expectTypeOf(client.get('/health')).resolves.toEqualTypeOf<{ ok: boolean }>()
expectTypeOf(client.get('/items/{id}', { params: { id: 1 } })).resolves.toEqualTypeOf<Item>()
expectTypeOf(client.get('/items')).resolves.toEqualTypeOf<Item[]>()
expectTypeOf(
  client.post('/items/{id}', { params: { id: 1 }, body: { name: 'x' } }),
).resolves.toEqualTypeOf<Item>()
expectTypeOf(client.delete('/items/{id}', { params: { id: 1 } })).resolves.toEqualTypeOf<{
  deleted: boolean
}>()

// Paths are those of the method.
// @ts-expect-error: no GET /nowhere
void client.get('/nowhere')
// @ts-expect-error: /greetings answers GET only
void client.post('/greetings')
// @ts-expect-error: written with {id}, as in the OpenAPI document
void client.get('/items/:id', { params: { id: 1 } })

// Params are required when the url has them, and checked.
// @ts-expect-error: params are missing
void client.get('/items/{id}')
// @ts-expect-error: no parameter "item"
void client.get('/items/{id}', { params: { item: 1 } })
// @ts-expect-error: a url parameter is a string or a number
void client.get('/items/{id}', { params: { id: { nested: true } } })

// The body is required and checked against the schema's input.
// @ts-expect-error: body is missing
void client.post('/items/{id}', { params: { id: 1 } })
// @ts-expect-error: name must be a string
void client.post('/items/{id}', { params: { id: 1 }, body: { name: 7 } })
// @ts-expect-error: "title" is not a field
void client.post('/items/{id}', { params: { id: 1 }, body: { title: 'x' } })

// Query: optional when every field is; checked when given.
void client.get('/items', { query: { limit: 5 } })
// @ts-expect-error: unknown query field
void client.get('/items', { query: { page: 2 } })

// Urls in either syntax, with or without a leading slash, are called with {name}.
export const teams = get('orgs/:org/teams/{team}', ({ params }) => params)
export const search = post(
  '/search',
  {
    body: z.object({ text: z.string() }).optional(),
    query: z.object({ lang: z.enum(['en', 'fr']) }),
    headers: z.object({ 'x-tenant': z.string() }),
  },
  () => [1, 2, 3],
)
const other = createClient<[typeof teams, typeof search]>('http://127.0.0.1:8000')
expectTypeOf(
  other.get('/orgs/{org}/teams/{team}', { params: { org: 'a', team: 'b' } }),
).resolves.toEqualTypeOf<{ org: string; team: string }>()
// @ts-expect-error: both parameters are needed
void other.get('/orgs/{org}/teams/{team}', { params: { org: 'a' } })
expectTypeOf(
  other.post('/search', { query: { lang: 'en' }, headers: { 'x-tenant': 't' } }),
).resolves.toEqualTypeOf<number[]>()
// @ts-expect-error: the query has a required field
void other.post('/search', { headers: { 'x-tenant': 't' } })
// @ts-expect-error: "de" is not a language the schema takes
void other.post('/search', { query: { lang: 'de' }, headers: { 'x-tenant': 't' } })
// @ts-expect-error: the x-tenant header is required
void other.post('/search', { query: { lang: 'en' } })

// A handler must return what `response` describes.
// @ts-expect-error: the handler returns a number where the response is a string
get('/typed', { response: z.string() }, () => 1)
get('/typed', { response: z.string() }, async () => 'ok')

// Errors are typed.
declare const error: ResponseError
expectTypeOf(error.status).toEqualTypeOf<number>()
expectTypeOf(error.code).toEqualTypeOf<string | undefined>()
expectTypeOf(error.issues[0]?.in).toEqualTypeOf<'path' | 'query' | 'header' | 'body' | undefined>()
