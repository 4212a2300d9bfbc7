import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino'

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'

/**
 * `request.log`, made on its first line. Fastify gives every request a pino
 * child with its request id; making one costs more than the rest of a small
 * request's own work, and most requests write nothing (the request line is at
 * debug in production). A line at a level the app's logger leaves out makes
 * nothing either; the first line written makes the child, with the same
 * bindings and options Fastify would have given it.
 */
export class RequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger & { isLevelEnabled(level: string): boolean }
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions
  #child: FastifyBaseLogger | undefined

  constructor(
    parent: FastifyBaseLogger & { isLevelEnabled(level: string): boolean },
    bindings: Bindings,
    options: ChildLoggerOptions,
  ) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  /** The pino child itself: made now if no line has made it yet. */
  get real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options))
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.#parent.level
  }
  set level(level: LevelWithSilentOrString) {
    this.real.level = level
  }

  isLevelEnabled(level: string): boolean {
    const child = this.#child
    if (child === undefined) return this.#parent.isLevelEnabled(level)
    return hasLevelCheck(child) ? child.isLevelEnabled(level) : true
  }

  /** The bindings of the child, request id included. */
  bindings(): Bindings {
    const child = this.real
    return 'bindings' in child && typeof child.bindings === 'function'
      ? (Reflect.apply(child.bindings, child, []) as Bindings) // pino's own: Bindings
      : { ...this.#bindings }
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options)
  }

  // Methods on the prototype, not arrow fields: nothing is made per request but the object.
  fatal(...args: unknown[]): void {
    this.#write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.#write('error', args)
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args)
  }
  info(...args: unknown[]): void {
    this.#write('info', args)
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args)
  }
  silent(): void {}

  #write(level: Level, args: unknown[]): void {
    if (this.#child === undefined && !this.#parent.isLevelEnabled(level)) return
    const real = this.real
    Reflect.apply(real[level], real, args)
  }
}

/**
 * Fastify's `childLoggerFactory`: a {@link RequestLogger} per request. A route
 * with its own `logLevel` gets its child at once (the parent's level does not
 * say what it writes).
 */
export const requestLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> =
  function requestLogger(logger, bindings, options) {
    if (options.level !== undefined || !hasLevelCheck(logger))
      return logger.child(bindings, options)
    return new RequestLogger(logger, bindings, options)
  }

function hasLevelCheck(
  logger: FastifyBaseLogger,
): logger is FastifyBaseLogger & { isLevelEnabled(level: string): boolean } {
  return 'isLevelEnabled' in logger && typeof logger.isLevelEnabled === 'function'
}
