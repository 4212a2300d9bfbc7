// Seed: "Accessing user data".
import { USER, SESSION } from 'dara-ts/auth'
import { get } from 'dara-ts/http'

export const customHandler = get('/custom', () => {
  // Both are `undefined` if the endpoint is not secured
  const userData = USER.get()
  const sessionId = SESSION.get()
  return { userData, sessionId }
})

export const publicHandler = get('/public', { authenticated: false }, () => ({
  userData: USER.get() ?? null,
  sessionId: SESSION.get() ?? null,
}))
