/**
 * An error a handler or dependency throws to answer with a given status.
 * The client receives `{ "detail": detail }`; nothing else about the error leaves
 * the server.
 *
 * @example
 * ```ts
 * import { get, HttpError } from 'dara-ts/http'
 *
 * export const item = get('/items/{id}', ({ params }) => {
 *   if (params.id !== '1') throw new HttpError(404, `No item ${params.id}`)
 *   return { id: params.id }
 * })
 * ```
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError'
  readonly status: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  /**
   * @param status a 4xx or 5xx status; anything else is a programming error and is sent as 500
   * @param detail any JSON value, sent as `detail`
   * @param options `headers` to add to the response, `cause` for the log
   */
  constructor(
    status: number,
    detail: unknown = defaultDetail(status),
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail), { cause: options.cause })
    this.status = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500
    this.detail = detail
    this.headers = options.headers ?? {}
  }
}

function defaultDetail(status: number): string {
  return status >= 500 ? 'Internal Server Error' : 'Request failed'
}
