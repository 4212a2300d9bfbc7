// A real websocket client (the `ws` package) for the websocket tests: every
// wait is bounded, and a refused upgrade is read as the HTTP answer it is.
import type { IncomingHttpHeaders } from 'node:http'
import WebSocket, { type ClientOptions } from 'ws'

/** How long any step may take before the test fails rather than hangs. */
const WAIT_MS = 5000

/** An upgrade the server answered with HTTP instead of 101. */
export interface Refusal {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: unknown
}

export type Opened =
  | { readonly kind: 'open'; readonly socket: WebSocket }
  | { readonly kind: 'refused'; readonly refusal: Refusal }

/** Opens `url` (ws://...): the socket once open, or the HTTP answer that refused it. */
export function openSocket(
  url: string,
  protocols: readonly string[] = [],
  options: ClientOptions = {},
): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, [...protocols], { handshakeTimeout: WAIT_MS, ...options })
    queue(socket)
    socket.once('open', () => resolve({ kind: 'open', socket }))
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {
          // Not JSON: kept as text, which the test's assertion will show.
        }
        resolve({
          kind: 'refused',
          refusal: { status: response.statusCode ?? 0, headers: response.headers, body },
        })
        socket.terminate()
      })
    })
    socket.once('error', reject)
  })
}

/** Opens `url` and fails unless the upgrade succeeds. */
export async function connect(
  url: string,
  protocols: readonly string[] = [],
  options: ClientOptions = {},
): Promise<WebSocket> {
  const opened = await openSocket(url, protocols, options)
  if (opened.kind === 'refused') {
    throw new Error(
      `upgrade refused: ${opened.refusal.status} ${JSON.stringify(opened.refusal.body)}`,
    )
  }
  return opened.socket
}

/** Opens `url` and fails unless the server answers over HTTP; that answer. */
export async function refused(
  url: string,
  protocols: readonly string[] = [],
  options: ClientOptions = {},
): Promise<Refusal> {
  const opened = await openSocket(url, protocols, options)
  if (opened.kind === 'open') {
    opened.socket.terminate()
    throw new Error('the upgrade was accepted')
  }
  return opened.refusal
}

function bounded<T>(what: string, executor: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS)
    executor((value) => {
      clearTimeout(timer)
      resolve(value)
    })
  })
}

interface Inbox {
  readonly messages: string[]
  waiter: ((message: string) => void) | undefined
}
const inboxes = new WeakMap<WebSocket, Inbox>()

/**
 * Keeps what the server sends from the start: a message sent by the handler at
 * once may arrive with the 101 answer, before the test asks for it.
 */
function queue(socket: WebSocket): void {
  const inbox: Inbox = { messages: [], waiter: undefined }
  inboxes.set(socket, inbox)
  socket.on('message', (data: Buffer) => {
    const text = data.toString('utf8')
    const waiter = inbox.waiter
    inbox.waiter = undefined
    if (waiter) waiter(text)
    else inbox.messages.push(text)
  })
}

/** The next message the server sends, as text. */
export function nextMessage(socket: WebSocket): Promise<string> {
  const inbox = inboxes.get(socket)
  if (!inbox) throw new Error('not a socket of openSocket()')
  const ready = inbox.messages.shift()
  if (ready !== undefined) return Promise.resolve(ready)
  return bounded('a message', (resolve) => {
    inbox.waiter = resolve
  })
}

/** The next message, parsed as JSON. */
export async function nextJson(socket: WebSocket): Promise<unknown> {
  return JSON.parse(await nextMessage(socket))
}

/** The code and reason the socket closes with. */
export function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  if (socket.readyState === WebSocket.CLOSED) throw new Error('the socket is already closed')
  return bounded('the socket to close', (resolve) =>
    socket.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString('utf8') }),
    ),
  )
}
