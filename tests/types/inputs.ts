// Checked by `npm run typecheck`: the types of the cookie input.
import { expectTypeOf } from 'expect-type'
import { z } from 'zod'
import { get } from 'dara-ts/http'

// With a schema, cookies are its output.
get(
  '/prefs',
  { cookies: z.object({ theme: z.enum(['dark', 'light']), size: z.coerce.number().optional() }) },
  ({ cookies }) => {
    expectTypeOf(cookies).toEqualTypeOf<{ theme: 'dark' | 'light'; size?: number | undefined }>()
    return cookies.theme
  },
)

// Without one, cookies are strings by name.
get('/raw', ({ cookies }) => {
  expectTypeOf(cookies).toEqualTypeOf<Record<string, string>>()
  // @ts-expect-error a cookie is a string, not a number
  const n: number = cookies['a']
  return n
})

// A list in the query schema is a list in the handler.
get('/search', { query: z.object({ k: z.array(z.string()) }) }, ({ query }) => {
  expectTypeOf(query.k).toEqualTypeOf<string[]>()
  return query.k.length
})
