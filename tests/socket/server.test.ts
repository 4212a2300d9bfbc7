// The same app on a real socket: listen on 127.0.0.1, port 0, and call it with
// fetch, as a browser or script would.
import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { test, type TestContext } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { SESSION, USER } from 'dara-ts/auth'
import { get, post } from 'dara-ts/http'
import { NamedAuth, bearer, buildApp, claimsOf, tokenOf } from '../helpers/auth.ts'

/** An app with a route of each kind the tests below call, listening on a free port. */
async function listening(t: TestContext): Promise<{ url: string; close: () => Promise<void> }> {
  const config = new ConfigurationBuilder()
  config.addAuth(new NamedAuth())
  config.addEndpoint(get('custom/', () => 'Hello World'))
  config.addEndpoint(
    get('/me', () => ({ user: USER.get() ?? null, session: SESSION.get() ?? null })),
  )
  config.addEndpoint(
    get('/public', { authenticated: false }, ({ request }) => ({
      user: USER.get() ?? null,
      port: request.raw.socket.remotePort,
    })),
  )
  config.addEndpoint(
    get('/port', ({ request }) => ({
      user: USER.get()?.identityId,
      port: request.raw.socket.remotePort,
    })),
  )
  config.addEndpoint(
    get(
      '/sum',
      { query: z.object({ a: z.coerce.number(), b: z.coerce.number() }) },
      ({ query }) => ({
        sum: query.a + query.b,
      }),
    ),
  )
  config.addEndpoint(
    post(
      '/items',
      { body: z.object({ name: z.string().min(1), tags: z.array(z.string()) }) },
      ({ body, reply }) => {
        void reply.code(201)
        return { created: body.name, tags: body.tags, by: USER.get()?.identityId }
      },
    ),
  )
  const app = buildApp(t, config)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null, 'a TCP address')
  assert.equal(address.address, '127.0.0.1')
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() }
}

async function tokenFor(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  assert.equal(res.status, 200)
  return tokenOf(await res.json())
}

void test('hello world over a socket, with the token of POST /api/auth/session', async (t) => {
  const { url } = await listening(t)
  const token = await tokenFor(url, 'ada')
  const res = await fetch(`${url}/api/custom/`, { headers: bearer(token) })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
  assert.equal(await res.text(), '"Hello World"')
})

void test('the token flow: log in, call as that user, read the user back', async (t) => {
  const { url } = await listening(t)
  const token = await tokenFor(url, 'grace')
  const me = await fetch(`${url}/api/me`, { headers: bearer(token) })
  assert.equal(me.status, 200)
  assert.deepEqual(await me.json(), {
    user: { identityId: 'grace', identityName: 'grace', groups: [] },
    session: claimsOf(token).sid,
  })
  const user = await fetch(`${url}/api/auth/user`, { headers: bearer(token) })
  assert.deepEqual(await user.json(), { identityId: 'grace', identityName: 'grace', groups: [] })
})

void test('401 over a socket: no token, and an empty Bearer value', async (t) => {
  const { url } = await listening(t)
  const res = await fetch(`${url}/api/custom/`)
  assert.equal(res.status, 401)
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="dara"')
  assert.deepEqual(await res.json(), {
    detail:
      'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
    code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
  })

  // What a script sends when its token variable is empty; the socket trims the space.
  const empty = await fetch(`${url}/api/custom/`, { headers: { authorization: 'Bearer ' } })
  assert.equal(empty.status, 401)
  assert.deepEqual(await empty.json(), {
    detail: 'Malformed token: the Bearer value is not a JSON Web Token',
    code: 'DARA_ERR_AUTH_MALFORMED',
  })
  assert.equal(empty.headers.get('www-authenticate'), 'Bearer realm="dara", error="invalid_token"')
})

void test('422 over a socket: the query fails its schema', async (t) => {
  const { url } = await listening(t)
  const headers = bearer(await tokenFor(url, 'ada'))
  const ok = await fetch(`${url}/api/sum?a=2&b=3`, { headers })
  assert.deepEqual(await ok.json(), { sum: 5 })

  const res = await fetch(`${url}/api/sum?a=2&b=three`, { headers })
  assert.equal(res.status, 422)
  assert.deepEqual(await res.json(), {
    detail: [
      {
        in: 'query',
        path: ['b'],
        code: 'invalid_type',
        message: 'Invalid input: expected number, received NaN',
      },
    ],
  })
})

void test('a POST with a JSON body', async (t) => {
  const { url } = await listening(t)
  const token = await tokenFor(url, 'ada')
  const res = await fetch(`${url}/api/items`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'lamp', tags: ['blue', 'desk'] }),
  })
  assert.equal(res.status, 201)
  assert.deepEqual(await res.json(), { created: 'lamp', tags: ['blue', 'desk'], by: 'ada' })

  const bad = await fetch(`${url}/api/items`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ name: '', tags: 'blue' }),
  })
  assert.equal(bad.status, 422)
  assert.deepEqual(await bad.json(), {
    detail: [
      {
        in: 'body',
        path: ['name'],
        code: 'too_small',
        message: 'Too small: expected string to have >=1 characters',
      },
      {
        in: 'body',
        path: ['tags'],
        code: 'invalid_type',
        message: 'Invalid input: expected array, received string',
      },
    ],
  })
})

/** GET through a given agent, so a test knows which connection a request uses. */
function getJson(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; connection: unknown; localPort: unknown; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      // Read now: once the body has ended, the agent takes the socket back.
      const localPort = res.socket.localPort
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          connection: res.headers.connection,
          localPort,
          body: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(5000, () => req.destroy(new Error(`timed out: GET ${url}`)))
    req.end()
  })
}

void test('keep-alive: one connection serves several users in turn, and none leaks into the next', async (t) => {
  const { url } = await listening(t)
  const ada = await tokenFor(url, 'ada')
  const bob = await tokenFor(url, 'bob')
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.after(() => agent.destroy())
  const calls = [
    ['/api/port', bearer(ada), 'ada'],
    ['/api/public', {}, null],
    ['/api/port', bearer(bob), 'bob'],
    ['/api/public', {}, null],
    ['/api/port', bearer(ada), 'ada'],
  ] as const
  let port: unknown
  for (const [path, headers, user] of calls) {
    const res = await getJson(agent, `${url}${path}`, headers)
    port ??= res.localPort
    // The server sees the client's port as the remote port: the same one each time.
    assert.deepEqual(res, {
      status: 200,
      connection: 'keep-alive',
      localPort: port,
      body: { user, port },
    })
  }
})

void test('close: the port stops answering', async (t) => {
  const { url, close } = await listening(t)
  assert.equal((await fetch(`${url}/api/public`)).status, 200)
  await close()
  await assert.rejects(fetch(`${url}/api/public`), TypeError)
})
