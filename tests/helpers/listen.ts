// An app on a real socket: listening on 127.0.0.1 at a free port, closed when
// the test ends.
import type { TestContext } from 'node:test'
import type { ConfigurationBuilder, DaraApp } from 'dara-ts'
import { buildApp, SECRET } from './auth.ts'

/** Starts the app on loopback and returns it with its base url (`http://127.0.0.1:PORT`). */
export async function listen(
  t: TestContext,
  config: ConfigurationBuilder,
  secret = SECRET,
): Promise<{ app: DaraApp; baseUrl: string }> {
  const app = buildApp(t, config, secret)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  return { app, baseUrl: `http://127.0.0.1:${address.port}` }
}

/** A session token of the app at `baseUrl`, from `POST /api/auth/session` over the socket. */
export async function sessionToken(baseUrl: string, body?: unknown): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/session`, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  const json = (await res.json()) as { token?: unknown }
  if (res.status !== 200 || typeof json.token !== 'string') {
    throw new Error(`login failed: ${res.status} ${JSON.stringify(json)}`)
  }
  return json.token
}
