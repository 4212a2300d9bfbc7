import type { HttpMethod } from '../http/api-route.ts'
import { ResponseError } from './response-error.ts'
import type {
  CallArgs,
  PathsOf,
  RouteAt,
  RouteCollection,
  UrlValue,
  inferRouteInput,
  inferRouteOutput,
  inferRoutes,
  RouteIndex,
} from './types.ts'

/** How the client reaches the app. */
export interface ClientOptions {
  /** The Bearer token sent with every call, or a function that returns it (called for each call). */
  readonly token?: string | (() => string | undefined | Promise<string | undefined>)
  /** Headers sent with every call. */
  readonly headers?: Readonly<Record<string, string>>
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch
}

type Call<Index, M extends HttpMethod> = <const P extends PathsOf<Index, M>>(
  path: P,
  ...args: CallArgs<inferRouteInput<RouteAt<Index, M, P>>>
) => Promise<inferRouteOutput<RouteAt<Index, M, P>>>

/**
 * A typed client: one method per HTTP method, each taking the paths that answer
 * it. `Index` is the app's routes by `METHOD /path` ({@link RouteIndex}).
 */
export interface Client<Index> {
  readonly get: Call<Index, 'GET'>
  readonly post: Call<Index, 'POST'>
  readonly put: Call<Index, 'PUT'>
  readonly patch: Call<Index, 'PATCH'>
  readonly delete: Call<Index, 'DELETE'>
}

/** What a call takes at run time, whatever the route's types said. */
interface RawInit {
  readonly params?: Readonly<Record<string, UrlValue>>
  readonly query?: Readonly<Record<string, UrlValue | readonly UrlValue[] | undefined>>
  readonly body?: unknown
  readonly files?: Readonly<Record<string, Blob | readonly Blob[] | undefined>>
  readonly headers?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal
}

/**
 * A route with files takes a FormData: the body's fields as text (a list as
 * repeated fields), then the files. fetch writes its boundary in the content type.
 */
function formData(body: unknown, files: NonNullable<RawInit['files']>): FormData {
  const form = new FormData()
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body)) {
      // Sound: Array.isArray narrows to any[]; its items are read as unknown.
      for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
        if (item === undefined) continue
        form.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item))
      }
    }
  }
  for (const [key, value] of Object.entries(files)) {
    if (value === undefined) continue
    for (const file of Array.isArray(value) ? value : [value]) {
      form.append(key, file, file instanceof File ? file.name : key)
    }
  }
  return form
}

function fillPath(path: string, params: RawInit['params']): string {
  return path.replace(/\{([^/{}]+)\}/g, (_match, name: string) => {
    const value = params?.[name]
    if (value === undefined) throw new TypeError(`${path}: params.${name} is missing`)
    return encodeURIComponent(String(value))
  })
}

function buildUrl(base: string, path: string, init: RawInit): URL {
  const url = new URL(
    `${base.replace(/\/+$/, '')}/api/${fillPath(path, init.params)}`.replace(/(?<!:)\/{2,}/g, '/'),
  )
  for (const [key, value] of Object.entries(init.query ?? {})) {
    if (value === undefined) continue
    // Sound: a query value is a UrlValue or an array of them, per RawInit.
    const values: readonly UrlValue[] = Array.isArray(value) ? value : [value as UrlValue]
    for (const item of values) url.searchParams.append(key, String(item))
  }
  return url
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text()
  if (text === '') return null
  const type = response.headers.get('content-type') ?? ''
  if (!/[/+]json\b/.test(type)) return text
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/**
 * Makes a typed client for an app's endpoints, from the type of its routes:
 * no code generation, and no server code loaded. Paths, parameters, query,
 * body and results are checked by the compiler against each route's url and
 * zod schemas. An answer with an error status throws a {@link ResponseError}.
 * It uses `fetch` only, so it runs in Node 20 and in browsers.
 *
 * @param baseUrl where the app listens, e.g. `http://127.0.0.1:8000` (the client adds `/api`)
 * @example
 * ```ts
 * import { createClient } from 'dara-ts/client'
 * import type { routes } from './server/routes.ts' // export const routes = { greetings, rename }
 *
 * const client = createClient<typeof routes>('http://127.0.0.1:8000', { token: process.env.DARA_TOKEN })
 * const hello = await client.get('/greetings')
 * const item = await client.post('/items/{id}', { params: { id: 7 }, body: { name: 'Seven' } })
 * ```
 * @see README.md, "Call your endpoints from elsewhere"
 */
export function createClient<const Routes extends RouteCollection>(
  baseUrl: string,
  options: ClientOptions = {},
): Client<RouteIndex<inferRoutes<Routes>>> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)

  async function call(method: HttpMethod, path: string, init: RawInit = {}): Promise<unknown> {
    const url = buildUrl(baseUrl, path, init)
    const token = typeof options.token === 'function' ? await options.token() : options.token
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...options.headers,
      ...init.headers,
    }
    if (token) headers['authorization'] = `Bearer ${token}`
    let body: string | FormData | undefined
    if (init.files !== undefined) {
      body = formData(init.body, init.files)
    } else if (init.body !== undefined) {
      body = JSON.stringify(init.body)
      headers['content-type'] = 'application/json'
    }
    const response = await doFetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(init.signal ? { signal: init.signal } : {}),
    })
    const result = await readBody(response)
    if (!response.ok) throw new ResponseError(method, url.href, response.status, result)
    return result
  }

  // Sound: `call` implements every typed signature; the types only narrow what callers may pass.
  const method = <M extends HttpMethod>(m: M) =>
    ((path: string, init?: RawInit) => call(m, path, init)) as Call<
      RouteIndex<inferRoutes<Routes>>,
      M
    >
  return {
    get: method('GET'),
    post: method('POST'),
    put: method('PUT'),
    patch: method('PATCH'),
    delete: method('DELETE'),
  }
}
