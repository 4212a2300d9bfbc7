import type { z } from 'zod'
import type { HttpMethod } from '../http/api-route.ts'
import type { PathParams } from '../http/path.ts'

/**
 * The shape of a route as the client reads it: only types, so that a client
 * built on `typeof routes` never loads the server's code.
 */
interface RouteShape {
  readonly method: HttpMethod
  readonly url: string
  readonly options: object
}

/** What `createClient<T>` takes: the type of an object or a tuple of routes. */
export type RouteCollection = Readonly<Record<string, RouteShape>> | readonly RouteShape[]

/** The routes of a collection, as one union. */
export type inferRoutes<T extends RouteCollection> = T extends readonly (infer R)[] ? R : T[keyof T]

type Segment<S extends string> = S extends `:${infer N}` ? `{${N}}` : S
type Segments<U extends string> = U extends `${infer H}/${infer T}`
  ? `${Segment<H>}/${Segments<T>}`
  : Segment<U>
type Collapse<U extends string> = U extends `${infer A}//${infer B}` ? Collapse<`${A}/${B}`> : U

/**
 * The path a client calls a route by: its url with a leading slash, runs of
 * slashes collapsed and parameters written `{id}`. `get('items/:id')` is
 * called as `client.get('/items/{id}')`.
 */
export type ClientPath<U extends string> = Collapse<Segments<U extends `/${string}` ? U : `/${U}`>>

type RouteKey<R> = R extends {
  readonly method: infer M extends string
  readonly url: infer U extends string
}
  ? `${M} ${ClientPath<U>}`
  : never

/**
 * Routes by `METHOD /path`, built once per client type, so that a call looks its
 * route up by key instead of searching every route again.
 */
export type RouteIndex<R> = { [E in R as RouteKey<E>]: E }

/** The paths of an index that answer `M`. */
export type PathsOf<Index, M extends HttpMethod> = keyof Index extends infer K
  ? K extends `${M} ${infer P}`
    ? P
    : never
  : never

/** The route of an index that answers `M` at path `P`. */
export type RouteAt<Index, M extends HttpMethod, P extends string> = `${M} ${P}` extends keyof Index
  ? Index[`${M} ${P}`]
  : never

/** A value that travels in a url: path parameters and query strings. */
export type UrlValue = string | number | boolean

/** A schema input as a url can carry it: coerced fields (input `unknown`) take strings or numbers. */
type Wire<T> = { [K in keyof T]: unknown extends T[K] ? UrlValue : T[K] }

type Schema<O, K extends string> = O extends { readonly [P in K]: infer S extends z.ZodType }
  ? S
  : undefined

/** `{ key: T }`, or `{ key?: T }` when every field of T may be left out. */
type Field<K extends string, T> = object extends T
  ? { readonly [P in K]?: T }
  : { readonly [P in K]: T }

type ParamsInput<U extends string, S> = [keyof PathParams<U>] extends [never]
  ? { readonly params?: undefined }
  : {
      readonly params: S extends z.ZodType
        ? Wire<z.input<S>>
        : { readonly [K in keyof PathParams<U>]: UrlValue }
    }

type QueryInput<S> = S extends z.ZodType
  ? Field<'query', Wire<z.input<S>>>
  : { readonly query?: Readonly<Record<string, UrlValue | readonly UrlValue[] | undefined>> }

type BodyInput<S> = S extends z.ZodType
  ? undefined extends z.input<S>
    ? { readonly body?: z.input<S> }
    : { readonly body: z.input<S> }
  : { readonly body?: unknown }

type HeadersInput<S> = S extends z.ZodType
  ? Field<'headers', z.input<S> & Readonly<Record<string, string>>>
  : { readonly headers?: Readonly<Record<string, string>> }

/** One file a call sends: a Blob, or a File that carries its name. */
type FileValue<F> = F extends { readonly many: true } ? readonly Blob[] : Blob

/** `files` of a call to a route with `options.files`; optional fields may be left out. */
type FilesInput<O> = O extends { readonly files: infer F extends object }
  ? {
      readonly files: {
        readonly [K in keyof F as F[K] extends { readonly optional: true } ? never : K]: FileValue<
          F[K]
        >
      } & {
        readonly [K in keyof F as F[K] extends { readonly optional: true } ? K : never]?: FileValue<
          F[K]
        >
      }
    }
  : { readonly files?: undefined }

/** What a call to a route takes, from its url and schemas. */
export type inferRouteInput<R> = R extends {
  readonly url: infer U extends string
  readonly options: infer O
}
  ? ParamsInput<U, Schema<O, 'params'>> &
      QueryInput<Schema<O, 'query'>> &
      BodyInput<Schema<O, 'body'>> &
      HeadersInput<Schema<O, 'headers'>> &
      FilesInput<O>
  : never

/**
 * What a call to a route resolves to: the output of `options.response` when the
 * route has one (of any of its schemas, for one per status), else what its handler returns. Raw answers (a Response, bytes,
 * a stream) are `unknown`: the client cannot know their shape.
 */
export type inferRouteOutput<R> = R extends {
  readonly options: { readonly response: infer S extends z.ZodType }
}
  ? z.output<S>
  : R extends { readonly options: { readonly response: infer M extends object } }
    ? { [K in keyof M]: M[K] extends z.ZodType ? z.output<M[K]> : never }[keyof M]
    : R extends { readonly '~output': infer T }
      ? T extends Response | Uint8Array | ReadableStream
        ? unknown
        : T extends undefined | void
          ? null
          : T
      : unknown

/** Options of one call, beside its inputs. */
export interface CallOptions {
  /** Aborts the call. */
  readonly signal?: AbortSignal
}

/** The arguments after the path: optional when nothing in them is required. */
export type CallArgs<I> = object extends I ? [init?: I & CallOptions] : [init: I & CallOptions]
