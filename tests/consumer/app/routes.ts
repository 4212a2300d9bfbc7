// The consumer app's endpoints: copied into a fresh project that installed the
// packed dara-ts and its own zod, then type-checked, started and called there.
// Relative imports end in .js, as `tsc --init`'s module: nodenext wants.
import { z } from 'zod'
import { USER } from 'dara-ts/auth'
import { get, HttpError, post } from 'dara-ts/http'
import { Greeting, loadedFrom } from './greeting.js'

export const hello = get(
  '/public',
  { authenticated: false, inject: { greeting: Greeting } },
  ({ greeting }) => ({ message: `${greeting.word}, world`, from: loadedFrom.slice(-11) }),
)

export const echo = post(
  '/echo/{id}',
  {
    params: z.object({ id: z.coerce.number().int() }),
    body: z.object({ name: z.string() }),
    response: z.object({ id: z.number(), name: z.string(), user: z.string() }),
  },
  ({ params, body }) => {
    // The types come from this project's zod schemas: not `any`.
    const name: string = body.name
    // @ts-expect-error a number is not the string the body schema says
    const wrong: number = body.name
    if (params.id < 0) throw new HttpError(404, `No item ${params.id} (${wrong})`)
    return { id: params.id, name, user: USER.get()?.identityName ?? '' }
  },
)

export const routes = { hello, echo }
