// Checked by `npm run typecheck`: each `@ts-expect-error` must be an error, and
// each expectTypeOf must hold, or tsc fails.
import { expectTypeOf } from 'expect-type'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, get, post, del, type ApiRoute, type HttpMethod } from 'dara-ts/http'
import * as http from 'dara-ts/http'

class GreetingsConfiguration extends EndpointConfiguration<GreetingsConfiguration> {
  declare country: string
  static default() {
    return new GreetingsConfiguration({ country: 'United Kingdom' })
  }
}

// The injected configuration is the class's instance, typed, without a cast.
get('/greetings', { inject: { config: GreetingsConfiguration } }, ({ config }) => {
  expectTypeOf(config).toEqualTypeOf<GreetingsConfiguration>()
  expectTypeOf(config.country).toEqualTypeOf<string>()
  return `Hello from ${config.country}`
})

// Validated inputs are the schemas' outputs.
post(
  '/items/{id}',
  {
    params: z.object({ id: z.coerce.number() }),
    query: z.object({ verbose: z.enum(['yes', 'no']).optional() }),
    body: z.object({ name: z.string(), tags: z.array(z.string()) }),
    headers: z.object({ 'x-tenant': z.string() }),
  },
  ({ params, query, body, headers }) => {
    expectTypeOf(params).toEqualTypeOf<{ id: number }>()
    expectTypeOf(query.verbose).toEqualTypeOf<'yes' | 'no' | undefined>()
    expectTypeOf(body).toEqualTypeOf<{ name: string; tags: string[] }>()
    expectTypeOf(headers['x-tenant']).toEqualTypeOf<string>()
    return body.name
  },
)

// Without a params schema, path parameters come from the url, in either syntax.
get('/users/{userId}/posts/:postId', ({ params, body }) => {
  expectTypeOf(params).toEqualTypeOf<{ userId: string; postId: string }>()
  expectTypeOf(body).toEqualTypeOf<unknown>()
  // @ts-expect-error: the url declares no parameter "id"
  return params.id
})

// A dependency's value reaches the handler by name, typed; dependencies can need others.
const db = dependency(() => ({ query: (sql: string) => sql.length }))
const repo = dependency({ inject: { db } }, async ({ db }) => ({ count: db.query('select') }))
get('/count', { inject: { repo, db } }, ({ repo, db }) => {
  expectTypeOf(repo).toEqualTypeOf<{ count: number }>()
  expectTypeOf(db.query).toEqualTypeOf<(sql: string) => number>()
  return repo.count
})

// Routes carry their method, url and result.
const route = del('/items/{id}', async () => ({ deleted: true }))
expectTypeOf(route).toExtend<ApiRoute<'DELETE', '/items/{id}'>>()
expectTypeOf(route['~output']).toEqualTypeOf<{ deleted: boolean }>()
expectTypeOf(http.delete).toEqualTypeOf(del)
expectTypeOf<HttpMethod>().toEqualTypeOf<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>()

// A configuration's constructor checks its fields.
// @ts-expect-error: country must be a string
new GreetingsConfiguration({ country: 1 })
// @ts-expect-error: country is missing
new GreetingsConfiguration({})

const config = new ConfigurationBuilder()
expectTypeOf(config.addEndpoint(route)).toEqualTypeOf(route)
// @ts-expect-error: addEndpoint takes a route, not a handler
config.addEndpoint(() => 'Hello')
// @ts-expect-error: unknown context values are not there
get('/x', ({ nothing }) => nothing)
