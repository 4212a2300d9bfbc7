// A client that writes raw bytes on a TCP socket, for what fetch will not send:
// trickled requests, malformed HTTP, headers past the limits.
import { connect, type Socket } from 'node:net'
import type { TestContext } from 'node:test'
import type { DaraApp } from 'dara-ts'

/** Listens on a free loopback port; the app is closed when the test ends. */
export async function listen(t: TestContext, app: DaraApp): Promise<number> {
  t.after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no TCP address')
  return address.port
}

/** What came back on a socket, and when it closed. */
export interface RawAnswer {
  readonly text: string
  /** Milliseconds from the first byte written to the socket's close. */
  readonly closedAfter: number
  /** The status of the first response, or undefined if none came. */
  readonly status: number | undefined
  /** The JSON body of the first response, if it had one. */
  readonly json: unknown
}

export function parseAnswer(text: string, closedAfter: number): RawAnswer {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]
  const split = text.indexOf('\r\n\r\n')
  let json: unknown
  if (split !== -1) {
    try {
      json = JSON.parse(text.slice(split + 4))
    } catch {
      json = undefined
    }
  }
  return { text, closedAfter, status: status === undefined ? undefined : Number(status), json }
}

/** Opens a socket to the port; it is destroyed when the test ends. */
export function open(t: TestContext, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket))
    socket.once('error', reject)
    t.after(() => socket.destroy())
  })
}

/**
 * Writes `chunks` one by one, `gapMs` apart (stopping once the server closes),
 * and reads until the server closes the socket or `timeoutMs` passes.
 */
export async function exchange(
  t: TestContext,
  port: number,
  chunks: readonly (string | Buffer)[],
  { gapMs = 0, timeoutMs = 5000 } = {},
): Promise<RawAnswer & { readonly timedOut: boolean; readonly written: number }> {
  const socket = await open(t, port)
  const started = Date.now()
  let text = ''
  let closed = false
  socket.setEncoding('latin1').on('data', (chunk: string) => (text += chunk))
  socket.on('error', () => undefined)
  const done = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(true), timeoutMs)
    socket.once('close', () => {
      closed = true
      clearTimeout(timer)
      resolve(false)
    })
  })
  let written = 0
  for (const chunk of chunks) {
    if (closed || socket.destroyed) break
    socket.write(chunk)
    written++
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs))
  }
  const timedOut = await done
  socket.destroy()
  return { ...parseAnswer(text, Date.now() - started), timedOut, written }
}
