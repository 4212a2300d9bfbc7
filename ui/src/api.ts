import { errorDetail, renewSession } from './session.ts'

/** A request the server answered with an error; `message` is its detail. */
export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** fetch with the session cookie; a 401 renews the session once and tries again. */
export async function sessionFetch(
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const res = await fetch(input, init)
  if (res.status !== 401) return res
  await renewSession()
  return fetch(input, init)
}

/** GETs JSON from /api with the session cookie; a 401 renews the session once. */
export async function apiGet<T>(path: string): Promise<T> {
  const res = await sessionFetch(path)
  const payload: unknown = await res.json().catch(() => null)
  if (!res.ok) throw new ApiError(res.status, errorDetail(payload) ?? `Error ${res.status}`)
  // The server's own routes answer the shapes dara-ts/components declares.
  return payload as T
}
