// Shared by the Node servers of the bench: listen on a free loopback port, tell
// the parent which one over the IPC channel, and close cleanly when told to, so
// that a server started with --cpu-prof writes its profile.
import type { Server } from 'node:http'
import type { FastifyInstance } from 'fastify'

/** The message a server sends its parent once it listens. */
export interface ReadyMessage {
  readonly ready: true
  readonly port: number
}

/** The secret every server signs or verifies with; the runner passes it in the environment. */
export function benchSecret(): string {
  const secret = process.env['BENCH_JWT_SECRET']
  if (secret === undefined || Buffer.byteLength(secret) < 32) {
    throw new Error('BENCH_JWT_SECRET must be set to a secret of at least 32 bytes')
  }
  return secret
}

function announce(server: Server, close: () => Promise<unknown>): void {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  let closing = false
  const stop = (): void => {
    if (closing) return
    closing = true
    void close().finally(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  // The parent went away: do not outlive it.
  process.on('disconnect', stop)
  const ready: ReadyMessage = { ready: true, port: address.port }
  if (process.send === undefined) console.log(`listening on http://127.0.0.1:${address.port}`)
  else process.send(ready)
}

/** Serves a Fastify app (dara-ts's, or a plain one). */
export async function serve(app: FastifyInstance): Promise<void> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  announce(app.server, () => app.close())
}

/** Serves a bare node:http server. */
export async function serveNode(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  announce(
    server,
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
}
