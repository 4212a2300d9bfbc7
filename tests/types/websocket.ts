// Checked by `npm run typecheck`: ws()'s types, positive and negative, and the
// README's example as written.
import { expectTypeOf } from 'expect-type'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { USER } from 'dara-ts/auth'
import { ComponentInstance, EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, ws, type WebSocket } from 'dara-ts/http'

class Greeting extends EndpointConfiguration<{ word: string }> {
  declare word: string
}
const room = dependency(() => ({ id: 1 }))

export const chat = ws('/chat/{room}', { messageRate: 10 }, (socket, { params }) => {
  socket.on('message', (data: Buffer) =>
    socket.send(`${USER.get()?.identityName}@${params.room}: ${data.toString('utf8')}`),
  )
})

const typed = ws(
  '/rooms/{id}',
  { query: z.object({ n: z.coerce.number() }), inject: { greeting: Greeting, room } },
  (socket, ctx) => {
    expectTypeOf(socket).toEqualTypeOf<WebSocket>()
    expectTypeOf(ctx.params).toEqualTypeOf<{ id: string }>()
    expectTypeOf(ctx.query).toEqualTypeOf<{ n: number }>()
    expectTypeOf(ctx.greeting).toEqualTypeOf<Greeting>()
    expectTypeOf(ctx.room).toEqualTypeOf<{ id: number }>()
    // @ts-expect-error a websocket has no body
    void ctx.body
    // @ts-expect-error nor a reply: it answers over the socket
    void ctx.reply
  },
)

const config = new ConfigurationBuilder()
config.addEndpoint(chat)
config.addEndpoint(typed)
export class Live extends ComponentInstance {
  static override requiredRoutes = [chat]
}

// @ts-expect-error a websocket takes no body schema
ws('/x', { body: z.object({}) }, () => undefined)
