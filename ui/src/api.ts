import { errorDetail, forgetToken, token } from './session.ts'

/** A request the server answered with an error; `message` is its detail. */
export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** GETs JSON from /api with the session; a refused token is dropped and replaced once. */
export async function apiGet<T>(path: string, retry = true): Promise<T> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${await token()}` } })
  if (res.status === 401 && retry) {
    forgetToken()
    return apiGet(path, false)
  }
  const payload: unknown = await res.json().catch(() => null)
  if (!res.ok) throw new ApiError(res.status, errorDetail(payload) ?? `Error ${res.status}`)
  return payload as T
}
