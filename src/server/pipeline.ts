import type { FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { identityStorage, type Identity } from '../auth/identity.ts'
import { DaraError } from '../errors.ts'
import type { RouteOptions } from '../http/api-route.ts'
import { HttpError } from '../http/http-error.ts'
import type { Binding, RoutePlan } from './plan.ts'
import { streamBody } from './streaming.ts'

/** Where a field error was found, in OpenAPI's words. */
type Location = 'path' | 'query' | 'body' | 'header'

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

/** The identity each authenticated request carries from its onRequest hook to its handler. */
export const requestIdentity = new WeakMap<FastifyRequest, Identity>()

type Inputs = Pick<RouteOptions, 'params' | 'query' | 'body' | 'headers'>
const CHECKS: readonly (readonly [keyof Inputs, Location])[] = [
  ['params', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
  ['body', 'body'],
]

function validate(options: Inputs, request: FastifyRequest): Record<keyof Inputs, unknown> {
  const raw: Record<keyof Inputs, unknown> = {
    params: request.params,
    query: request.query,
    body: request.body,
    headers: request.headers,
  }
  let issues: FieldIssue[] | undefined
  for (const [key, location] of CHECKS) {
    const schema: z.ZodType | undefined = options[key]
    if (!schema) continue
    const result = schema.safeParse(raw[key])
    if (result.success) {
      raw[key] = result.data
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
  return raw
}

/**
 * Builds the Fastify handler for one planned route. `timeoutMs` bounds the time
 * its dependencies and handler take to produce a value (0: no bound); a stream
 * returned in time may run as long as it needs.
 */
export function createHandler(plan: RoutePlan, timeoutMs = 0) {
  const { route, steps, bindings } = plan
  const validates = CHECKS.some(([key]) => route.options[key] !== undefined)

  return async function handle(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const input = validates
      ? validate(route.options, request)
      : {
          params: request.params,
          query: request.query,
          body: request.body,
          headers: request.headers,
        }

    let cleanups: (() => unknown)[] | undefined
    const identity = requestIdentity.get(request)
    const onCleanup = (fn: () => unknown): void => {
      if (typeof fn !== 'function') throw new TypeError('onCleanup(fn): pass a function')
      if (!cleanups) {
        const list: (() => unknown)[] = (cleanups = [])
        // 'close' fires once the response is done, or when the client goes away:
        // cleanup runs in both cases, after the handler's result or error is sent.
        if (reply.raw.closed) queueMicrotask(() => void runCleanups(list, request, identity))
        else reply.raw.once('close', () => void runCleanups(list, request, identity))
      }
      cleanups.push(fn)
    }

    // The contexts below are assembled key by key from the plan, which checked at
    // start that every key the route's types promise is bound; `never` hands them over.
    // run() ends once the answer is handed to the reply, not once it is sent: it
    // never returns the reply itself, a thenable that settles only when a
    // streamed body has finished, so the handler timeout bounds the handler alone.
    const run = async (): Promise<void> => {
      const results: unknown[] = []
      for (const step of steps) {
        const ctx = { ...input, request, reply, onCleanup }
        bind(ctx, step.bindings, results)
        const value = step.dependency.run(ctx as never)
        results.push(isThenable(value) ? await value : value)
        if (reply.sent) return
      }
      const ctx = { ...input, request, reply }
      bind(ctx, bindings, results)
      const result = route.handler(ctx as never)
      send(reply, isThenable(result) ? await result : result)
    }

    try {
      // A public route runs with no identity at all, even when it is reached from
      // inside an authenticated request (app.inject from a handler, say).
      const work = identity ? identityStorage.run(identity, run) : identityStorage.exit(run)
      await (timeoutMs > 0 ? bounded(work, timeoutMs, request, reply) : work)
      return reply
    } catch (error) {
      if (error instanceof HttpError || error instanceof DaraError || error instanceof AppFault)
        throw error
      throw new AppFault(error)
    }
  }
}

/**
 * The handler's result, or a 503 once `ms` have passed. The handler's work goes
 * on (a promise cannot be cancelled), but its late result or error is dropped:
 * the reply is already sent.
 */
function bounded(
  work: Promise<void>,
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
        if (late) request.log.error({ err: error }, 'A handler failed after its request timed out')
        else reject(error instanceof Error ? error : new AppFault(error))
      },
    )
  })
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
function send(reply: FastifyReply, result: unknown): unknown {
  if (reply.sent || result === reply) return reply
  if (typeof result === 'object' && result !== null) {
    const stream = streamBody(reply, result)
    if (stream) return reply.send(stream)
    if (isPassThrough(result)) return reply.send(result)
  }
  if (typeof result === 'string' && reply.hasHeader('content-type')) return reply.send(result)
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(result ?? null))
}
