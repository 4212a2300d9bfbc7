import type { z } from 'zod'
import type { HandlerContext, Injectable } from './context.ts'
import type { Dependency, DependencyContext } from './dependency.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** A function in `dependencies`: either made with dependency(), or plain. */
export type DependencyLike = Dependency<unknown> | ((ctx: DependencyContext) => unknown)

/** The options every method helper takes. */
export interface RouteOptions {
  /** Runs before the handler, in order; values are discarded (name a dependency in `inject` to use its value). */
  readonly dependencies?: readonly DependencyLike[]
  /** Requires a valid session; true unless set to false. */
  readonly authenticated?: boolean
  /**
   * Scopes that open the route to tokens made with scopes (`dara token create
   * --scope`). Tokens without scopes, such as a browser's session, are not limited.
   */
  readonly scopes?: readonly string[]
  /** Only users in at least one of these groups may call (403 for others); needs authentication. */
  readonly groups?: readonly string[]
  /** Values the handler receives by name: EndpointConfiguration classes and dependencies. */
  readonly inject?: Readonly<Record<string, Injectable>>
  /** zod schema for path parameters. */
  readonly params?: z.ZodType
  /** zod schema for the query string. */
  readonly query?: z.ZodType
  /** zod schema for the body. */
  readonly body?: z.ZodType
  /** zod schema for the headers (names in lower case). */
  readonly headers?: z.ZodType
  /** zod schema for the cookies by name; an invalid one answers 422 with `in: "cookie"`. */
  readonly cookies?: z.ZodType
  /**
   * The files the endpoint takes, by multipart field name: the request is then
   * multipart/form-data, its text fields validated by `body`, and the handler's
   * `files.<field>` has the upload readers (`stream`, `bytes()`, `text()`,
   * `rows()`, `saveTo()`). A file field not listed here is refused with 422.
   */
  readonly files?: Readonly<Record<string, FileField>>
  /**
   * zod schema of the JSON the endpoint answers with, or one per status
   * (`{ 200: item, 201: created }`). Only its keys go out, in every mode, through
   * Fastify's compiled serializer; outside production the value is also checked
   * (a mismatch is the app's fault: 500, the issues in the log). It appears in
   * the OpenAPI document, the handler must return its input type, and
   * `dara-ts/client` types results with its output.
   */
  readonly response?: ResponseSchemas
  /** The status of a successful answer (default 200); `reply.code()` in the handler still wins. */
  readonly status?: number
  /** One line on what the endpoint does, for logs and generated docs. */
  readonly summary?: string
  /** Longer text for the generated docs (Markdown). */
  readonly description?: string
  /** Groups for the generated docs (OpenAPI `tags`). */
  readonly tags?: readonly string[]
  /** Marks the endpoint deprecated in the generated docs. */
  readonly deprecated?: boolean
  /** The OpenAPI `operationId` (default: the handler's name, else method and path); unique per app. */
  readonly operationId?: string
}

/** One entry of `options.files`. */
export interface FileField {
  /** The most bytes one file may have; more is refused with 413. Default 100 MiB. */
  readonly maxSize?: number
  /** Accepted files, as `<input accept>` reads them (`'.csv,text/csv'`, `'image/*'`); others get 415. Default: any. */
  readonly accept?: string
  /** Takes a list of files (up to 100) under this name; the handler gets an array. */
  readonly many?: boolean
  /** May be left out: the handler gets `undefined` (an empty array with `many`). Default: required, 422 without it. */
  readonly optional?: boolean
}

/** `options.response`: one zod schema, or one per status code. */
export type ResponseSchemas = z.ZodType | Readonly<Partial<Record<number, z.ZodType>>>

/** A handler: sync or async, returning a value sent as JSON, or a Response, Buffer or stream sent as it is. */
export type Handler<U extends string, O, R> = (ctx: HandlerContext<U, O>) => R

/**
 * One endpoint: what every method helper returns, and what
 * `config.addEndpoint()` and `static requiredRoutes` take.
 */
export class ApiRoute<
  M extends HttpMethod = HttpMethod,
  U extends string = string,
  O extends RouteOptions = RouteOptions,
  R = unknown,
> {
  readonly method: M
  /** The url exactly as written; it mounts at `/api/<url>`. */
  readonly url: U
  readonly options: O
  readonly handler: Handler<U, O, R>
  /** Type-only: the handler's resolved result, for clients that infer responses. */
  declare readonly '~output': Awaited<R>

  constructor(method: M, url: U, options: O, handler: Handler<U, O, R>) {
    this.method = method
    this.url = url
    this.options = options
    this.handler = handler
    Object.freeze(this)
  }

  /** The route's own dependencies, in the order they run. */
  get dependencies(): readonly DependencyLike[] {
    return this.options.dependencies ?? []
  }

  /** Whether the route needs a session. */
  get authenticated(): boolean {
    return this.options.authenticated !== false
  }

  /** How logs and error messages name the route. */
  toString(): string {
    const name = this.handler.name
    return `${this.method} ${this.url}${name && name !== 'handler' ? ` (${name})` : ''}`
  }
}

/**
 * The widest route type, for places that take any route. The handler is typed
 * to take `never` so that every route's handler fits, whatever its context.
 */
export interface AnyApiRoute {
  readonly method: HttpMethod
  readonly url: string
  readonly options: RouteOptions
  readonly handler: (ctx: never) => unknown
  readonly dependencies: readonly DependencyLike[]
  readonly authenticated: boolean
}
