// What `npm run bench` measures: the servers, and the cases run against them
// side by side in every round.
import { ORDER_ANSWER, ORDER_BODY, TWENTY_FIELDS } from './payload.ts'
import type { ServerSpec } from './servers.ts'
import { OBSERVABILITY_CASES, OBSERVABILITY_SERVERS } from './cases-observability.ts'

export const HELLO_BODY = JSON.stringify('Hello World')

export const SERVERS = {
  'node-http': { runtime: 'node', file: 'baselines/node-http.ts' },
  'node-http-hmac': { runtime: 'node', file: 'baselines/node-http-hmac.ts' },
  fastify: { runtime: 'node', file: 'baselines/fastify.ts' },
  'fastify-headers': { runtime: 'node', file: 'baselines/fastify-headers.ts' },
  'fastify-jose': { runtime: 'node', file: 'baselines/fastify-jose.ts' },
  fastapi: { runtime: 'python', file: 'baselines/fastapi_app.py', readyPath: '/api/hello' },
  'dara-hello': { runtime: 'node', file: 'servers/dara-hello.ts' },
  'dara-auth': { runtime: 'node', file: 'servers/dara-auth.ts' },
  'dara-auth-redis': { runtime: 'node', file: 'servers/dara-auth.ts', redis: true },
  'dara-post': { runtime: 'node', file: 'servers/dara-post.ts' },
  'dara-json': { runtime: 'node', file: 'servers/dara-json.ts' },
  ...OBSERVABILITY_SERVERS,
} as const satisfies Record<string, ServerSpec>

export type ServerName = keyof typeof SERVERS

/** Whose token a case sends: one minted by the runner, or one dara-ts issued. */
export type Credential = 'minted' | 'dara'

export interface BenchCase {
  readonly id: string
  readonly label: string
  readonly server: ServerName
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly body?: string
  readonly credential?: Credential
  /** The body every answer must have (status 200). */
  readonly expected: string
  /** The case this one is compared with in the "vs" column, if any. */
  readonly versus?: string
}

/** Every ratio's denominator: raw node:http's unauthenticated hello. */
export const REFERENCE = 'node-hello'

/** In the order they run in the first round, and are reported. */
export const CASES: readonly BenchCase[] = [
  hello('node-hello', 'node:http hello', 'node-http'),
  hello('fastify-hello', 'Fastify hello', 'fastify'),
  hello('fastify-headers-hello', 'Fastify hello + security headers', 'fastify-headers'),
  hello('fastapi-hello', 'FastAPI hello', 'fastapi'),
  { ...hello('dara-hello', 'dara-ts hello', 'dara-hello'), versus: 'fastify-headers-hello' },
  auth('node-auth', 'node:http + HMAC, auth', 'node-http-hmac', 'minted'),
  auth('fastify-auth', 'Fastify + jose, auth', 'fastify-jose', 'minted'),
  auth('fastapi-auth', 'FastAPI verify_session, auth', 'fastapi', 'minted'),
  { ...auth('dara-auth', 'dara-ts auth, memory', 'dara-auth', 'dara'), versus: 'fastapi-auth' },
  {
    ...auth('dara-auth-redis', 'dara-ts auth, Redis', 'dara-auth-redis', 'dara'),
    versus: 'fastapi-auth',
  },
  order('dara-post', 'dara-ts POST 1 KiB', '/api/orders'),
  {
    ...order('dara-post-zod', 'dara-ts POST 1 KiB, zod', '/api/orders-checked'),
    versus: 'dara-post',
  },
  fields('dara-fields', 'dara-ts 20 fields, JSON.stringify', '/api/fields'),
  {
    ...fields('dara-fields-typed', 'dara-ts 20 fields, response schema', '/api/fields-typed'),
    versus: 'dara-fields',
  },
  ...OBSERVABILITY_CASES.map(([id, label, server, versus]) =>
    versus === 'dara-hello'
      ? { ...hello(id, label, server), versus }
      : { ...auth(id, label, server, 'dara'), versus },
  ),
]

function hello(id: string, label: string, server: ServerName): BenchCase {
  return { id, label, server, method: 'GET', path: '/api/hello', expected: HELLO_BODY }
}

function auth(id: string, label: string, server: ServerName, credential: Credential): BenchCase {
  return {
    id,
    label,
    server,
    method: 'GET',
    path: '/api/hello-auth',
    credential,
    expected: HELLO_BODY,
  }
}

function order(id: string, label: string, path: string): BenchCase {
  return {
    id,
    label,
    server: 'dara-post',
    method: 'POST',
    path,
    body: ORDER_BODY,
    expected: ORDER_ANSWER,
  }
}

function fields(id: string, label: string, path: string): BenchCase {
  return {
    id,
    label,
    server: 'dara-json',
    method: 'GET',
    path,
    expected: JSON.stringify(TWENTY_FIELDS),
  }
}
