// What every case must answer before it is measured (and what the bench's own
// test checks): 200 with its expected JSON body, and 401 without its token.
import type { BenchCase } from './cases.ts'
import { call } from './http.ts'
import type { LoadRequest } from './load.ts'

/** A session token from a dara-ts server, as a client would get one. */
export async function daraToken(port: number): Promise<string> {
  const answer = await call(port, '/api/auth/session', { method: 'POST', body: '{}' })
  const body = answer.status === 200 ? (JSON.parse(answer.body) as { token?: unknown }) : {}
  if (typeof body.token !== 'string') {
    throw new Error(`POST /api/auth/session answered ${answer.status}: ${answer.body}`)
  }
  return body.token
}

/** What is wrong with the case's answers, or undefined when they are right. */
export async function checkCase(
  benchCase: BenchCase,
  port: number,
  request: LoadRequest,
): Promise<string | undefined> {
  const answer = await call(port, benchCase.path, {
    method: benchCase.method,
    ...(request.body === undefined ? {} : { body: request.body }),
    headers: request.authorization === undefined ? {} : { authorization: request.authorization },
  })
  if (
    answer.status !== 200 ||
    answer.body !== benchCase.expected ||
    !answer.type?.startsWith('application/json')
  ) {
    return (
      `${benchCase.label}: ${benchCase.method} ${benchCase.path} answered ${answer.status} ` +
      `${answer.type} ${answer.body}; expected 200 application/json ${benchCase.expected}`
    )
  }
  if (benchCase.credential !== undefined) {
    const anonymous = await call(port, benchCase.path)
    if (anonymous.status !== 401) {
      return `${benchCase.label}: GET ${benchCase.path} without a token answered ${anonymous.status}`
    }
  }
  return undefined
}
