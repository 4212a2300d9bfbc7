import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { UploadFile } from '../components/upload-file.ts'
import type { Dependency } from './dependency.ts'
import type { PathParams } from './path.ts'

/** Anything `inject` accepts: an EndpointConfiguration class, or a dependency. */
export type Injectable = Dependency<unknown> | (abstract new (...args: never[]) => object)

/** The value a handler receives for one `inject` entry. */
export type inferInjected<V> =
  V extends Dependency<infer T>
    ? T
    : V extends abstract new (...args: never[]) => infer I
      ? I
      : never

/** The values a handler receives for a whole `inject` object. */
export type InjectedValues<I> =
  I extends Readonly<Record<string, Injectable>> ? { [K in keyof I]: inferInjected<I[K]> } : unknown

/** A plain query string as Fastify parses it, when no schema is given. */
export type RawQuery = Record<string, string | string[] | undefined>

/** What every handler and dependency receives, before injection. */
export interface RequestContext<
  P = Record<string, string>,
  Q = RawQuery,
  B = unknown,
  H = IncomingHttpHeaders,
  C = Record<string, string>,
> {
  /** Path parameters, validated by `options.params` when given. */
  readonly params: P
  /** The query string, validated by `options.query` when given. */
  readonly query: Q
  /** The parsed body, validated by `options.body` when given. */
  readonly body: B
  /** Request headers (lower-case names), validated by `options.headers` when given. */
  readonly headers: H
  /** The request's cookies by name, validated by `options.cookies` when given. */
  readonly cookies: C
  /** The raw Fastify request. */
  readonly request: FastifyRequest
  /** The raw Fastify reply: set a status with `reply.code(201)`, a header with `reply.header()`. */
  readonly reply: FastifyReply
  /**
   * Runs `fn` once the answer is sent (as FastAPI's BackgroundTasks), as the
   * same user; its error is logged with the route, and the app's close waits for it.
   */
  readonly background: (fn: () => unknown) => void
}

type Out<O, K extends string, D> = O extends { readonly [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : D

/** What `files.<field>` holds for one entry of `options.files`. */
export type inferFile<F> = F extends { readonly many: true }
  ? UploadFile[]
  : F extends { readonly optional: true }
    ? UploadFile | undefined
    : UploadFile

/** The handler's `files`, from `options.files`. */
export type inferFiles<O> = O extends { readonly files: infer F extends object }
  ? { readonly files: { readonly [K in keyof F]: inferFile<F[K]> } }
  : unknown

/** The handler's context for a route at `U` with `options` of type `O`. */
export type HandlerContext<U extends string, O> = RequestContext<
  Out<O, 'params', PathParams<U>>,
  Out<O, 'query', RawQuery>,
  Out<O, 'body', unknown>,
  Out<O, 'headers', IncomingHttpHeaders>,
  Out<O, 'cookies', Record<string, string>>
> &
  InjectedValues<O extends { readonly inject: infer I } ? I : undefined> &
  inferFiles<O>

/** Names the context uses itself; `inject` may not take them. */
export const RESERVED_CONTEXT_KEYS: Readonly<Record<string, string>> = {
  params: 'path parameters',
  query: 'the query string',
  body: 'the request body',
  headers: 'request headers',
  cookies: 'request cookies',
  request: 'the Fastify request',
  reply: 'the Fastify reply',
  onCleanup: 'cleanup registration',
  background: 'work after the answer',
}
