import type { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'

/**
 * A refusal often goes out before the body it refuses has arrived: a 413 on
 * its declared length, a 401 or 415 checked before reading, an upload stopped
 * at its limit. If the server then closed the socket, the body still on its
 * way would make the kernel answer with a reset, and a client still sending
 * (Node's fetch, a browser) could see ECONNRESET or EPIPE instead of the
 * answer. So, as nginx does (`lingering_close`), the rest of the body is read
 * and dropped, within these bounds, before the connection is closed or reused.
 */
export const LINGER = {
  /** Milliseconds, in all. */
  ms: 10_000,
  /** Milliseconds without a byte: the client has stopped sending. */
  idleMs: 2_000,
  /** Bytes read and dropped at most. */
  bytes: 128 * 1024 * 1024,
} as const

/** How often a lingering socket's progress is looked at. */
const CHECK_MS = 50

/** The sockets reading away the rest of an answered request. */
const lingering = new WeakSet<Socket>()

/** Whether `socket` is reading away the rest of a request that has its answer. */
export function isLingering(socket: Socket): boolean {
  return lingering.has(socket)
}

/**
 * Called once an answer has gone out: if its request's body has not all
 * arrived, reads the rest and drops it, within LINGER. A connection the answer
 * kept alive is reusable once the body has ended; one it closes (Fastify closes
 * after a body it could not parse) is closed then, not before. Past a bound,
 * the socket is destroyed.
 */
export function lingerAfterAnswer(request: IncomingMessage): void {
  const socket = request.socket
  // light-my-request's requests have no socket; a destroyed one has nothing left to read.
  if (request.complete || !(socket instanceof Socket) || socket.destroyed) return
  if (lingering.has(socket)) return
  lingering.add(socket)
  // Node ends an answer marked `Connection: close` with socket.destroySoon(),
  // which closes the socket as soon as the answer is written: with the body
  // still arriving, that is the reset. Keep it open until the body is read.
  // destroySoon() registered this very function (`this.once('finish', this.destroy)`):
  // it is compared, never called, so its `this` does not matter.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  socket.removeListener('finish', socket.destroy)

  // Counted on the socket: a body Node already dumps emits no 'data'.
  const start = socket.bytesRead
  let seen = start
  let quiet = 0
  const cut = (): void => {
    stop()
    socket.destroy()
  }
  const total = setTimeout(cut, LINGER.ms).unref()
  const watch = setInterval(() => {
    const read = socket.bytesRead
    if (read - start > LINGER.bytes) return cut()
    quiet = read === seen ? quiet + CHECK_MS : 0
    seen = read
    if (quiet >= LINGER.idleMs) cut()
  }, CHECK_MS).unref()
  const onEnd = (): void => {
    stop()
    // The answer ended the connection on our side: now the client has sent all, close it.
    if (socket.writableEnded) socket.destroy()
  }
  const stop = (): void => {
    clearTimeout(total)
    clearInterval(watch)
    request.off('end', onEnd)
    socket.off('end', cut)
    socket.off('close', stop)
    lingering.delete(socket)
  }
  request.once('end', onEnd)
  // The client ended its side with the body unfinished: nothing more will come.
  socket.once('end', cut)
  socket.once('close', stop)
  // Whatever was reading the body (a multipart parser that gave up) reads no more.
  request.unpipe()
  request.resume()
}

/**
 * After a refusal written straight on the socket (a request Node's parser
 * refused: malformed, headers too large): ends our side once it is written
 * and gives the client LINGER.idleMs to read it and close, rather than a
 * reset. What it sends meanwhile reaches the parser, which refuses it again:
 * those refusals are not answered (see isLingering).
 */
export function lingerAfterRefusal(socket: Socket): void {
  if (socket.destroyed || lingering.has(socket)) return
  lingering.add(socket)
  socket.end()
  const close = (): void => {
    socket.destroy()
  }
  const timer = setTimeout(close, LINGER.idleMs).unref()
  socket.once('end', close)
  socket.once('close', () => clearTimeout(timer))
}
