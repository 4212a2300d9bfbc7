import type { FastifyReply, FastifyRequest } from 'fastify'
import { identityStorage, type Identity } from '../auth/identity.ts'
import { DaraError } from '../errors.ts'
import type { RouteOptions } from '../http/api-route.ts'
import { HttpError } from '../http/http-error.ts'
import type { BackgroundTasks } from './background.ts'
import { parseCookies } from './cookie-header.ts'
import { filesOf } from './file-routes.ts'
import { FORM_TYPE } from './form-body.ts'
import { listFields, shapeLists, type ListFields } from './input-shape.ts'
import type { Binding, RoutePlan, Step } from './plan.ts'
import { schemaFor, type ResponsePlan } from './response-schema.ts'
import { streamBody } from './streaming.ts'

/** Where a field error was found, in OpenAPI's words. */
type Location = 'path' | 'query' | 'body' | 'header' | 'cookie'

/** One invalid field, as zod reports it, plus where it was. */
export interface FieldIssue {
  readonly in: Location
  readonly path: readonly (string | number)[]
  readonly code: string
  readonly message: string
}

/** Invalid input: answered with 422 and every field error at once. */
export class ValidationError extends Error {
  readonly issues: readonly FieldIssue[]
  constructor(issues: readonly FieldIssue[]) {
    super('Invalid request input')
    this.issues = issues
  }
}

/**
 * Something the app's own code threw that is not an HttpError: a 500 whatever
 * it carries. Libraries put `statusCode` on their errors (SDKs, http-errors);
 * only HttpError chooses what the client sees.
 */
export class AppFault extends Error {
  constructor(cause: unknown) {
    super('Unhandled error in app code', { cause })
  }
}

/** Where a request keeps its identity: a property every request has from birth (decorateRequest). */
export const IDENTITY: unique symbol = Symbol('dara-ts identity')

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by an authenticated route's onRequest hook; null elsewhere. */
    [IDENTITY]: Identity | null
  }
}

/**
 * The identity each authenticated request carries from its onRequest hook to
 * its handler: a property of the request (declared on every request by
 * createApp, so that setting it changes no object's shape), not a WeakMap entry.
 */
export const requestIdentity = {
  get(request: FastifyRequest): Identity | undefined {
    return request[IDENTITY] ?? undefined
  },
  set(request: FastifyRequest, identity: Identity): void {
    request[IDENTITY] = identity
  },
}

type Inputs = Pick<RouteOptions, 'params' | 'query' | 'body' | 'headers' | 'cookies'>
const CHECKS: readonly (readonly [keyof Inputs, Location])[] = [
  ['params', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
  ['cookies', 'cookie'],
  ['body', 'body'],
]

/** The fields of the query and of a form body that take a list, or one value. */
interface Shapes {
  readonly query: ListFields | undefined
  readonly form: ListFields | undefined
}

/** The context every handler and dependency starts from: the request's inputs, and the pair. */
interface BaseContext {
  params: unknown
  query: unknown
  body: unknown
  headers: unknown
  cookies: unknown
  /** The uploads of a route with `options.files`; undefined on any other. */
  readonly files: unknown
  readonly request: FastifyRequest
  readonly reply: FastifyReply
}

/** Replaces each input that has a schema by its parsed value; every field error at once. */
function validate(options: Inputs, ctx: BaseContext, shapes: Shapes): void {
  let issues: FieldIssue[] | undefined
  if (shapes.query) ctx.query = shapeLists(ctx.query, shapes.query)
  // A multipart body's text fields come as a form's do: one string, or a list.
  if (shapes.form && (isForm(ctx.request) || ctx.files !== undefined))
    ctx.body = shapeLists(ctx.body, shapes.form)
  for (const [key, location] of CHECKS) {
    const schema = options[key]
    if (!schema) continue
    const result = schema.safeParse(ctx[key])
    if (result.success) {
      ctx[key] = result.data
    } else {
      issues ??= []
      for (const issue of result.error.issues) {
        issues.push({
          in: location,
          path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
          code: issue.code,
          message: issue.message,
        })
      }
    }
  }
  if (issues) throw new ValidationError(issues)
}

function isForm(request: FastifyRequest): boolean {
  const type = request.headers['content-type']
  return type !== undefined && type.toLowerCase().startsWith(FORM_TYPE)
}

/**
 * One request through one route. The route's own data comes from the plan,
 * worked out at start; per request there is this object, the contexts, and a
 * promise only where a dependency or the handler is async.
 *
 * The functions a context hands out (`background`, `onCleanup`) are bound
 * methods, never closures. V8 pretenures what it sees allocated this often and
 * kept alive by requests in flight: a closure made per request came to be
 * allocated in the old generation, where it held the request, the reply and
 * the contexts alive through every young collection until the next full one.
 * The hello route's young collections took 7–10 ms instead of 0.5, and the
 * garbage collector a sixth of the server's time (bench/RESULTS.md).
 */
class Call {
  readonly plan: RoutePlan
  readonly base: BaseContext
  readonly identity: Identity | undefined
  readonly tasks: BackgroundTasks
  readonly results: unknown[] = []
  cleanups: (() => unknown)[] | undefined
  /** Made on the first dependency context, so a route without dependencies makes none. */
  onCleanup: ((fn: () => unknown) => void) | undefined
  readonly background: (fn: () => unknown) => void
  /** Registers what runs once the exchange is over: by default when the response closes. */
  readonly whenOver: ((fn: () => void) => void) | undefined

  constructor(
    plan: RoutePlan,
    base: BaseContext,
    identity: Identity | undefined,
    tasks: BackgroundTasks,
    whenOver?: (fn: () => void) => void,
  ) {
    this.plan = plan
    this.base = base
    this.identity = identity
    this.tasks = tasks
    this.whenOver = whenOver
    this.background = scheduleBackground.bind(this)
  }

  addCleanup(fn: () => unknown): void {
    if (typeof fn !== 'function') throw new TypeError('onCleanup(fn): pass a function')
    if (!this.cleanups) {
      const list: (() => unknown)[] = (this.cleanups = [])
      const { request, reply } = this.base
      const identity = this.identity
      // 'close' fires once the response is done, or when the client goes away:
      // cleanup runs in both cases, after the handler's result or error is sent.
      if (this.whenOver) this.whenOver(() => void runCleanups(list, request, identity))
      else if (reply.raw.closed) queueMicrotask(() => void runCleanups(list, request, identity))
      else reply.raw.once('close', () => void runCleanups(list, request, identity))
    }
    this.cleanups.push(fn)
  }
}

/** `background(fn)` of a context: runs `fn` once the answer is out, as the request's caller. */
function scheduleBackground(this: Call, fn: () => unknown): void {
  const { base, plan } = this
  this.tasks.schedule(
    fn,
    base.request,
    base.reply,
    this.identity,
    `${plan.route.method} ${plan.path}`,
  )
}

/** `onCleanup(fn)` of a dependency's context. */
function registerCleanup(this: Call, fn: () => unknown): void {
  this.addCleanup(fn)
}

/**
 * Builds the Fastify handler for one planned route. `timeoutMs` bounds the time
 * its dependencies and handler take to produce a value (0: no bound); a stream
 * returned in time may run as long as it needs.
 */
export function createHandler(plan: RoutePlan, tasks: BackgroundTasks, timeoutMs = 0) {
  const { options } = plan.route
  const validates = CHECKS.some(([key]) => options[key] !== undefined)
  const shapes: Shapes = { query: listFields(options.query), form: listFields(options.body) }
  const { status } = options
  const hasFiles = options.files !== undefined

  // Synchronous when the route's code is: a handler that returns a value sends it
  // at once and gives Fastify undefined; an async one gives Fastify the promise.
  return function handle(request: FastifyRequest, reply: FastifyReply): unknown {
    const base: BaseContext = {
      params: request.params,
      query: request.query,
      body: request.body,
      headers: request.headers,
      cookies: parseCookies(request.headers.cookie),
      files: hasFiles ? filesOf(request) : undefined,
      request,
      reply,
    }
    if (validates) validate(options, base, shapes)
    if (status !== undefined) reply.code(status)
    const identity = requestIdentity.get(request)
    const call = new Call(plan, base, identity, tasks)
    let outcome: unknown
    try {
      // A public route runs with no identity at all, even when it is reached from
      // inside an authenticated request (app.inject from a handler, say).
      outcome = identity
        ? identityStorage.run(identity, proceed, call, 0)
        : identityStorage.getStore() === undefined
          ? proceed(call, 0)
          : identityStorage.exit(proceed, call, 0)
    } catch (error) {
      throw fault(error)
    }
    if (!isThenable(outcome)) return undefined
    const work = Promise.resolve(outcome).catch(rethrowFault)
    return (timeoutMs > 0 ? bounded(work, timeoutMs, request, reply) : work).then(() => reply)
  }
}

/** The context of a handler that does not answer over HTTP: no body, reply nor background. */
export type SocketContext = Record<string, unknown>

/**
 * For a route whose handler runs after an upgrade (a websocket's): validates
 * the request's inputs and runs the route's dependencies as for any route, as
 * its caller, and gives the handler's context. A dependency's cleanup runs
 * when `whenOver` says (the socket's end). Undefined when a dependency sent
 * an answer itself; a refusal throws, to be answered over HTTP.
 */
export function createPreparer(plan: RoutePlan, tasks: BackgroundTasks) {
  const { options } = plan.route
  const validates = CHECKS.some(([key]) => options[key] !== undefined)
  const shapes: Shapes = { query: listFields(options.query), form: undefined }
  const finish = (call: Call): SocketContext => {
    const { base } = call
    const ctx: SocketContext = {
      params: base.params,
      query: base.query,
      headers: base.headers,
      cookies: base.cookies,
      request: base.request,
    }
    bind(ctx, call.plan.bindings, call.results)
    return ctx
  }
  return function prepare(
    request: FastifyRequest,
    reply: FastifyReply,
    whenOver: (fn: () => void) => void,
  ): Promise<SocketContext | undefined> {
    const base: BaseContext = {
      params: request.params,
      query: request.query,
      body: undefined,
      headers: request.headers,
      cookies: parseCookies(request.headers.cookie),
      // A websocket route takes no files.
      files: undefined,
      request,
      reply,
    }
    if (validates) validate(options, base, shapes)
    const identity = requestIdentity.get(request)
    const call = new Call(plan, base, identity, tasks, whenOver)
    const run = (): unknown => proceed(call, 0, finish)
    let outcome: unknown
    try {
      outcome = identity ? identityStorage.run(identity, run) : run()
    } catch (error) {
      return Promise.reject(fault(error))
    }
    // Sound: `proceed` ends in `finish`, or in undefined when a dependency answered.
    return Promise.resolve(outcome as SocketContext | undefined).catch(rethrowFault)
  }
}

/**
 * The handler's result, or a 503 once `ms` have passed. The handler's work goes
 * on (a promise cannot be cancelled), but its late result or error is dropped:
 * the reply is already sent.
 */
function bounded(
  work: Promise<unknown>,
  ms: number,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let late = false
    const timer = setTimeout(() => {
      // A handler that sent its answer itself, or started streaming it, has answered.
      if (reply.sent || reply.raw.headersSent) return
      late = true
      reject(new DaraError('DARA_ERR_REQUEST_TIMEOUT', ms))
    }, ms)
    work.then(
      () => {
        clearTimeout(timer)
        resolve()
      },
      (error: unknown) => {
        clearTimeout(timer)
        if (late) {
          const err = error instanceof AppFault ? error.cause : error
          request.log.error({ err }, 'A handler failed after its request timed out')
        } else reject(fault(error))
      },
    )
  })
}

/** What the app's code threw, as the error handler needs it. */
function fault(error: unknown): Error {
  return error instanceof HttpError || error instanceof DaraError || error instanceof AppFault
    ? error
    : new AppFault(error)
}

function rethrowFault(error: unknown): never {
  throw fault(error)
}

/**
 * Runs the dependencies from `index` on, then the handler, and sends its result.
 * Returns at once when all of them are synchronous; else a promise of the rest.
 * The contexts are assembled key by key from the plan, which checked at start
 * that every key the route's types promise is bound; `never` hands them over.
 */
function proceed(call: Call, index: number, finish: (call: Call) => unknown = runHandler): unknown {
  const { plan, base, results } = call
  const { steps } = plan
  const reply = base.reply
  for (let i = index; i < steps.length; i++) {
    const step = steps[i] as Step
    call.onCleanup ??= registerCleanup.bind(call)
    const ctx: Record<string, unknown> = {
      params: base.params,
      query: base.query,
      body: base.body,
      headers: base.headers,
      cookies: base.cookies,
      request: base.request,
      reply,
      onCleanup: call.onCleanup,
      background: call.background,
    }
    // Only a route with `files` has them: elsewhere the name stays free for `inject`.
    if (base.files !== undefined) ctx['files'] = base.files
    bind(ctx, step.bindings, results)
    const value = step.dependency.run(ctx as never)
    if (isThenable(value)) {
      return Promise.resolve(value).then((resolved) => {
        results.push(resolved)
        return reply.sent ? undefined : proceed(call, i + 1, finish)
      })
    }
    results.push(value)
    if (reply.sent) return undefined
  }
  return finish(call)
}

/** The handler, given its context, and its result sent. */
function runHandler(call: Call): unknown {
  const { plan, base, results } = call
  const reply = base.reply
  const ctx: Record<string, unknown> = {
    params: base.params,
    query: base.query,
    body: base.body,
    headers: base.headers,
    cookies: base.cookies,
    request: base.request,
    reply,
    background: call.background,
  }
  if (base.files !== undefined) ctx['files'] = base.files
  bind(ctx, plan.bindings, results)
  const result = plan.route.handler(ctx as never)
  // Nothing returned here is the reply: the reply is a thenable that settles only
  // once a streamed body has finished, and the handler timeout must bound the
  // handler alone.
  if (isThenable(result)) {
    return Promise.resolve(result).then((value) => void send(reply, value, plan))
  }
  send(reply, result, plan)
  return undefined
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    'then' in value &&
    typeof value.then === 'function'
  )
}

function bind(
  target: Record<string, unknown>,
  bindings: readonly Binding[],
  results: readonly unknown[],
): void {
  for (const { key, source } of bindings) {
    target[key] = source.kind === 'value' ? source.value : results[source.index]
  }
}

async function runCleanups(
  list: (() => unknown)[],
  request: FastifyRequest,
  identity: Identity | undefined,
): Promise<void> {
  const all = async (): Promise<void> => {
    for (const fn of list.reverse()) {
      try {
        await fn()
      } catch (err) {
        request.log.error({ err }, 'A dependency cleanup failed')
      }
    }
  }
  await (identity ? identityStorage.run(identity, all) : all())
}

function isPassThrough(value: object): boolean {
  return (
    value instanceof Uint8Array ||
    value instanceof ReadableStream ||
    value instanceof Response ||
    ('pipe' in value && typeof value.pipe === 'function')
  )
}

/**
 * A value goes out as JSON (a string too, as in Dara); bytes, streams and web
 * Responses go out as they are; async iterables and `sse()` stream (see
 * streaming.ts); a string goes out as it is when the handler set a content
 * type itself.
 */
function send(reply: FastifyReply, result: unknown, plan: RoutePlan): unknown {
  if (reply.sent || result === reply) return reply
  if (typeof result === 'object' && result !== null) {
    const stream = streamBody(reply, result)
    if (stream) return reply.send(stream)
    if (isPassThrough(result)) return reply.send(result)
  }
  if (typeof result === 'string' && reply.hasHeader('content-type')) return reply.send(result)
  const json = plan.response ? serialize(reply, result ?? null, plan, plan.response) : undefined
  return reply.type('application/json; charset=utf-8').send(json ?? JSON.stringify(result ?? null))
}

/**
 * A value through the route's response schema: checked outside production
 * (its parsed output goes out, so unknown keys are dropped here already), then
 * written by the serializer Fastify compiled for the status, which writes only
 * the declared keys. A status without a schema is written as it is.
 */
function serialize(
  reply: FastifyReply,
  value: unknown,
  plan: RoutePlan,
  response: ResponsePlan,
): ReturnType<FastifyReply['serialize']> {
  const schema = schemaFor(response, reply.statusCode)
  if (!schema) return JSON.stringify(value)
  let out = value
  if (response.checks) {
    const result = schema.safeParse(value)
    if (!result.success) {
      const issues = result.error.issues
        .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
        .join('; ')
      throw new DaraError(
        'DARA_ERR_RESPONSE_INVALID',
        `${plan.route.method} ${plan.path}`,
        reply.statusCode,
        issues,
      )
    }
    out = result.data
  }
  return reply.serialize(out)
}
