import type { FastifyReply, FastifyRequest } from 'fastify'

/** How long a refused upgrade's client has to close the connection before it is cut. */
const END_GRACE_MS = 2000

/** Whether Node gave the request to the upgrade listener (`message.upgrade`, which @types/node leaves out). */
export function cameByUpgrade(request: FastifyRequest): boolean {
  const upgrade: unknown = Reflect.get(request.raw, 'upgrade')
  return upgrade === true
}

/**
 * Node hands an upgrade request's connection over whole: no further request is
 * read from it, and no server timeout watches it. One answered over HTTP (a
 * refused websocket, or a bad URL that never reached a route) must therefore
 * be closed, and say so, or a keep-alive client would send its next request
 * down a dead connection, and every bad upgrade would hold a socket for good.
 * Call before the answer is sent.
 */
export function closeAfterAnswer(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('connection', 'close')
  const socket = request.raw.socket
  reply.raw.once('finish', () => {
    socket.end()
    setTimeout(() => socket.destroy(), END_GRACE_MS).unref()
  })
}
