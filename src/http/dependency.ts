import type { InjectedValues, Injectable, RequestContext } from './context.ts'

const DEPENDENCY = Symbol('dara.dependency')

/** What a dependency function receives: the request, its own injected values, and `onCleanup`. */
export type DependencyContext<I = unknown> = RequestContext<unknown, unknown, unknown> &
  InjectedValues<I> & {
    /** Runs `fn` after the response is sent, also when the handler throws. Last registered runs first. */
    readonly onCleanup: (fn: () => unknown) => void
  }

/**
 * A function that runs before a handler, at most once per request. It may throw
 * an HttpError to stop the request, and its value reaches every handler or
 * dependency that names it in `inject`.
 */
export interface Dependency<T> {
  readonly [DEPENDENCY]: true
  /** A name for logs and error messages: the function's name unless given. */
  readonly name: string
  /** Other dependencies and configurations this one needs. */
  readonly inject: Readonly<Record<string, Injectable>>
  readonly run: (ctx: DependencyContext<never>) => T | Promise<T>
  /** Type-only marker so that `inject` infers `T`. */
  readonly '~value'?: T
}

/**
 * Makes a dependency.
 *
 * @example
 * ```ts
 * import { dependency, get, HttpError } from 'dara-ts/http'
 *
 * const apiKey = dependency(({ headers }) => {
 *   if (headers['x-api-key'] !== process.env.API_KEY) throw new HttpError(403, 'Bad API key')
 *   return headers['x-api-key']
 * })
 * const db = dependency(({ onCleanup }) => {
 *   const conn = { close() {} }
 *   onCleanup(() => conn.close())
 *   return conn
 * })
 * export const report = get('/report', { dependencies: [apiKey], inject: { db } }, ({ db }) => 'ok')
 * ```
 */
export function dependency<T>(run: (ctx: DependencyContext) => T): Dependency<Awaited<T>>
export function dependency<const I extends Readonly<Record<string, Injectable>>, T>(
  options: { readonly inject: I; readonly name?: string },
  run: (ctx: DependencyContext<I>) => T,
): Dependency<Awaited<T>>
export function dependency(
  first:
    | ((ctx: DependencyContext<never>) => unknown)
    | { inject: Record<string, Injectable>; name?: string },
  second?: (ctx: DependencyContext<never>) => unknown,
): Dependency<unknown> {
  const [options, run] = typeof first === 'function' ? [{ inject: {} }, first] : [first, second]
  if (typeof run !== 'function') throw new TypeError('dependency() needs a function')
  return make(run, options.inject, options.name)
}

function make(
  run: (ctx: DependencyContext<never>) => unknown,
  inject: Readonly<Record<string, Injectable>>,
  name = run.name || 'anonymous dependency',
): Dependency<unknown> {
  return Object.freeze({ [DEPENDENCY]: true as const, name, inject, run })
}

export function isDependency(value: unknown): value is Dependency<unknown> {
  return typeof value === 'object' && value !== null && DEPENDENCY in value
}

const wrapped = new WeakMap<(ctx: DependencyContext<never>) => unknown, Dependency<unknown>>()

/** A plain function in `dependencies` becomes a dependency, the same one each time it is seen. */
export function toDependency(value: unknown): Dependency<unknown> | undefined {
  if (isDependency(value)) return value
  if (typeof value !== 'function') return undefined
  // Sound as far as JavaScript can tell: any function may be called with the context.
  const fn = value as (ctx: DependencyContext<never>) => unknown
  let dep = wrapped.get(fn)
  if (!dep) {
    dep = make(fn, {})
    wrapped.set(fn, dep)
  }
  return dep
}
