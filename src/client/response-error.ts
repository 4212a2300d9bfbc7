import { HttpError } from '../http/http-error.ts'

/** One invalid field of a 422 answer, as the server reports it. */
export interface FieldIssue {
  readonly in: 'path' | 'query' | 'header' | 'body'
  readonly path: readonly (string | number)[]
  readonly code: string
  readonly message: string
}

/**
 * An answer with an error status, thrown by `dara-ts/client`. It is an
 * `HttpError` (status and detail, as the server threw them), plus the call that
 * failed and, for the framework's own errors, their `code`.
 *
 * @example
 * ```ts
 * import { ResponseError } from 'dara-ts/client'
 *
 * try {
 *   await client.get('/items/{id}', { params: { id: 7 } })
 * } catch (error) {
 *   if (error instanceof ResponseError && error.status === 404) console.log(error.detail)
 *   else throw error
 * }
 * ```
 */
export class ResponseError extends HttpError {
  override readonly name: string = 'ResponseError'
  readonly method: string
  readonly url: string
  /** The framework's error code (`DARA_ERR_AUTH_EXPIRED`, ...) when the body has one. */
  readonly code: string | undefined

  constructor(method: string, url: string, status: number, body: unknown) {
    const detail =
      typeof body === 'object' && body !== null && 'detail' in body ? body.detail : body
    super(status, detail)
    this.method = method
    this.url = url
    this.code =
      typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string'
        ? body.code
        : undefined
    const text = typeof detail === 'string' ? detail : JSON.stringify(detail)
    this.message = `${method} ${url} answered ${status}: ${text}`
  }

  /** The invalid fields of a 422 answer; empty for any other error. */
  get issues(): readonly FieldIssue[] {
    return this.status === 422 && Array.isArray(this.detail) ? this.detail.filter(isIssue) : []
  }
}

function isIssue(value: unknown): value is FieldIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'in' in value &&
    'path' in value &&
    Array.isArray(value.path) &&
    'message' in value &&
    typeof value.message === 'string'
  )
}
