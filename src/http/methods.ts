import type { z } from 'zod'
import { ApiRoute, type Handler, type HttpMethod, type RouteOptions } from './api-route.ts'

type NoOptions = Record<never, never>

/** The input of a response schema, or of any of a per-status map's schemas. */
type ResponseInput<S> = S extends z.ZodType
  ? z.input<S>
  : S extends Readonly<Partial<Record<number, z.ZodType>>>
    ? { [K in keyof S]: S[K] extends z.ZodType ? z.input<S[K]> : never }[keyof S]
    : unknown

/** What a handler may return: with `options.response`, that schema's input, sync or async. */
type Returns<O> = [O] extends [{ readonly response: infer S }]
  ? ResponseInput<S> | PromiseLike<ResponseInput<S>>
  : unknown

interface MethodHelper<M extends HttpMethod> {
  <const U extends string, R>(
    url: U,
    handler: Handler<U, NoOptions, R>,
  ): ApiRoute<M, U, NoOptions, R>
  <const U extends string, const O extends RouteOptions, R extends Returns<O>>(
    url: U,
    options: O,
    handler: Handler<U, O, R>,
  ): ApiRoute<M, U, O, R>
}

function helper<M extends HttpMethod>(method: M): MethodHelper<M> {
  function route(url: string, second: unknown, third?: unknown): ApiRoute {
    const [options, handler] = third === undefined ? [{}, second] : [second, third]
    if (typeof url !== 'string') {
      throw new TypeError(`${method.toLowerCase()}(url, ...): the url must be a string`)
    }
    if (typeof handler !== 'function') {
      throw new TypeError(
        `${method.toLowerCase()}('${url}', ...): the last argument must be the handler function`,
      )
    }
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        `${method.toLowerCase()}('${url}', options, handler): options must be an object`,
      )
    }
    // Sound: the checks above establish the shapes; the generic signatures in
    // MethodHelper carry the precise types to callers.
    return new ApiRoute(method, url, options, handler as Handler<string, RouteOptions, unknown>)
  }
  // Sound: `route` implements both overloads of MethodHelper at run time.
  return route as MethodHelper<M>
}

/**
 * Declares a GET endpoint.
 *
 * @example
 * ```ts
 * import { get } from 'dara-ts/http'
 *
 * export const custom = get('custom/', () => 'Hello World')
 * ```
 */
export const get = helper('GET')
/** Declares a POST endpoint. See {@link get}. */
export const post = helper('POST')
/** Declares a PUT endpoint. See {@link get}. */
export const put = helper('PUT')
/** Declares a PATCH endpoint. See {@link get}. */
export const patch = helper('PATCH')
/** Declares a DELETE endpoint (`delete` is a reserved word; also exported as `delete`). See {@link get}. */
export const del = helper('DELETE')
