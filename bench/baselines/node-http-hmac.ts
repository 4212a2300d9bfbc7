// Baseline "node:http + HMAC": the authenticated hello written by hand. It checks
// the HS256 JWT with node:crypto (no library), its issuer and expiry, and runs
// the handler with the caller in an AsyncLocalStorage, as dara-ts keeps USER.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import { benchSecret, serveNode } from '../servers/listen.ts'

const BODY = JSON.stringify('Hello World')
// With the length given, as Fastify sends it: writeHead() without one would make
// the body chunked, a slower response than any framework's.
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': Buffer.byteLength(BODY),
}
const HS256_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')
const secret = Buffer.from(benchSecret())

interface Caller {
  readonly sub: string
  readonly sid: string
}
const callers = new AsyncLocalStorage<Caller>()

/** The caller of a valid token, else undefined. */
function verify(token: string): Caller | undefined {
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  if (first === -1 || second === -1 || token.slice(0, first) !== HS256_HEADER) return undefined
  const expected = createHmac('sha256', secret).update(token.slice(0, second)).digest()
  const given = Buffer.from(token.slice(second + 1), 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString())
  } catch {
    return undefined
  }
  if (typeof claims !== 'object' || claims === null) return undefined
  const { iss, exp, sub, sid } = claims as Record<string, unknown>
  if (iss !== 'dara-ts' || typeof exp !== 'number' || exp * 1000 <= Date.now()) return undefined
  if (typeof sub !== 'string' || typeof sid !== 'string') return undefined
  return { sub, sid }
}

function hello(response: ServerResponse): void {
  if (callers.getStore() === undefined) throw new Error('no caller')
  response.writeHead(200, HEADERS)
  response.end(BODY)
}

const server = createServer((request, response) => {
  if (request.method !== 'GET' || request.url !== '/api/hello-auth') {
    response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
    response.end(JSON.stringify({ detail: 'Not Found' }))
    return
  }
  const header = request.headers.authorization
  const caller = header?.startsWith('Bearer ') ? verify(header.slice(7)) : undefined
  if (caller === undefined) {
    response.writeHead(401, { 'content-type': 'application/json; charset=utf-8' })
    response.end(JSON.stringify({ detail: 'Invalid token' }))
    return
  }
  callers.run(caller, hello, response)
})

await serveNode(server)
