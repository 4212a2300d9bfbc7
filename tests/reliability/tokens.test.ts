// Forged and broken credentials that tests/auth/credentials.test.ts does not
// already cover: algorithm confusion (an HMAC keyed with a public key, real
// RSA and EC signatures, an embedded key), case games with "none", other JOSE
// serializations, a token too large to be one. Each is a 401 with its own body,
// and the handler never runs.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test, type TestContext } from 'node:test'
import {
  CompactEncrypt,
  FlattenedSign,
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
} from 'jose'
import { ConfigurationBuilder, type DaraApp } from 'dara-ts'
import { get } from 'dara-ts/http'
import { SECRET, buildApp, login, sessionClaims } from '../helpers/auth.ts'
import { listen } from '../helpers/raw-socket.ts'

const MALFORMED = {
  detail: 'Malformed token: the Bearer value is not a JSON Web Token',
  code: 'DARA_ERR_AUTH_MALFORMED',
}
const invalid = (why: string) => ({
  detail: `Invalid token: ${why}`,
  code: 'DARA_ERR_AUTH_INVALID',
})
const WRONG_ALG = invalid('its algorithm is not HS256')
const BAD_SIGNATURE = invalid('its signature does not match')

function countedApp(t: TestContext) {
  const calls = { handler: 0 }
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/secret', () => {
      calls.handler++
      return 'secret'
    }),
  )
  return { app: buildApp(t, config), calls }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A token whose header says `alg` in some spelling, with no or a made-up signature. */
const withAlg = (alg: string, signature = '') =>
  `${b64({ alg, typ: 'JWT' })}.${b64(sessionClaims())}.${signature}`

interface Forgery {
  readonly name: string
  readonly token: () => Promise<string> | string
  readonly body: { detail: string; code: string }
}

const rsa = await generateKeyPair('RS256', { extractable: true })
const ec = await generateKeyPair('ES256', { extractable: true })
const rsaPublicPem = await exportSPKI(rsa.publicKey)

const FORGERIES: readonly Forgery[] = [
  {
    // The classic confusion: a verifier that took its key from the token's alg would
    // check this HMAC with the public key as its secret, and accept it.
    name: 'HS256 keyed with an RSA public key (PEM)',
    token: () =>
      new SignJWT(sessionClaims())
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(rsaPublicPem)),
    body: BAD_SIGNATURE,
  },
  {
    name: 'RS256, really signed with an RSA key',
    token: () =>
      new SignJWT(sessionClaims())
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .sign(rsa.privateKey),
    body: WRONG_ALG,
  },
  {
    name: 'ES256, really signed with an EC key',
    token: () =>
      new SignJWT(sessionClaims())
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
        .sign(ec.privateKey),
    body: WRONG_ALG,
  },
  {
    name: 'RS256 with its own public key embedded (jwk header)',
    token: async () =>
      new SignJWT(sessionClaims())
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', jwk: await exportJWK(rsa.publicKey) })
        .sign(rsa.privateKey),
    body: WRONG_ALG,
  },
  {
    name: 'HS256 with a kid that names a file',
    token: () =>
      new SignJWT(sessionClaims())
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: '../../../../dev/null' })
        // What a verifier that read its key from the kid's file would find: nothing.
        .sign(new TextEncoder().encode('\0'.repeat(32))),
    body: BAD_SIGNATURE,
  },
  { name: 'alg "None"', token: () => withAlg('None'), body: WRONG_ALG },
  { name: 'alg "NONE"', token: () => withAlg('NONE'), body: WRONG_ALG },
  { name: 'alg "nOnE", with a signature', token: () => withAlg('nOnE', 'c2ln'), body: WRONG_ALG },
  { name: 'alg "hs256" (lower case)', token: () => withAlg('hs256', 'c2ln'), body: WRONG_ALG },
  { name: 'alg "" (empty)', token: () => withAlg('', 'c2ln'), body: MALFORMED },
  {
    name: 'a JWE (five parts), encrypted for the app',
    token: () =>
      new CompactEncrypt(new TextEncoder().encode(JSON.stringify(sessionClaims())))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .encrypt(new TextEncoder().encode(SECRET.slice(0, 32))),
    body: MALFORMED,
  },
  {
    name: 'a JWS in its JSON serialization',
    token: async () =>
      JSON.stringify(
        await new FlattenedSign(new TextEncoder().encode(JSON.stringify(sessionClaims())))
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(SECRET)),
      ),
    body: MALFORMED,
  },
  {
    name: 'a 1 MB token (sent in process; over a socket the header limit refuses it first)',
    token: () => `${'a'.repeat(500_000)}.${'b'.repeat(500_000)}.c`,
    body: MALFORMED,
  },
  {
    name: 'a header nested 10,000 deep',
    token: () =>
      `${Buffer.from(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`).toString('base64url')}.${b64(sessionClaims())}.c2ln`,
    body: MALFORMED,
  },
]

for (const forgery of FORGERIES) {
  void test(`401: ${forgery.name}`, async (t) => {
    const { app, calls } = countedApp(t)
    const res = await app.inject({
      method: 'GET',
      url: '/api/secret',
      headers: { authorization: `Bearer ${await forgery.token()}` },
    })
    assert.equal(res.statusCode, 401, res.body)
    assert.deepEqual(res.json(), forgery.body)
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="dara", error="invalid_token"')
    assert.equal(calls.handler, 0)
  })
}

void test('two Authorization headers on the wire: the first one counts, as Node reads them', async (t) => {
  const { app, calls } = countedApp(t)
  const token = await login(app)
  const port = await listen(t, app)
  const send = (first: string, second: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => {
        socket.write(
          `GET /api/secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: ${first}\r\nAuthorization: ${second}\r\n\r\n`,
        )
      })
      let text = ''
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
    })
  // A forged first value is not rescued by a valid second one.
  assert.match(await send('Bearer forged.token.value', `Bearer ${token}`), /^HTTP\/1\.1 401 /)
  assert.equal(calls.handler, 0)
  assert.match(await send(`Bearer ${token}`, 'Bearer forged.token.value'), /^HTTP\/1\.1 200 /)
  assert.equal(calls.handler, 1)
})

interface Pair {
  readonly token: string
  readonly refreshToken: string
}

async function loginPair(app: DaraApp): Promise<Pair> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/session' })
  assert.equal(res.statusCode, 200, res.body)
  return res.json<Pair>()
}

void test('a refresh token sent as a Bearer token is refused', async (t) => {
  const { app, calls } = countedApp(t)
  const pair = await loginPair(app)
  const asBearer = await app.inject({
    method: 'GET',
    url: '/api/secret',
    headers: { authorization: `Bearer ${pair.refreshToken}` },
  })
  assert.equal(asBearer.statusCode, 401)
  assert.deepEqual(asBearer.json(), MALFORMED)
  assert.equal(calls.handler, 0)
})

void test('20 refreshes of one refresh token at once: exactly one wins, and the session is revoked', async (t) => {
  const { app, calls } = countedApp(t)
  const pair = await loginPair(app)
  const answers = await Promise.all(
    Array.from({ length: 20 }, () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/refresh-token',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ refreshToken: pair.refreshToken }),
      }),
    ),
  )
  const statuses = answers.map((r) => r.statusCode).sort()
  assert.deepEqual(statuses, [200, ...Array.from({ length: 19 }, () => 401)])
  for (const res of answers.filter((r) => r.statusCode === 401)) {
    assert.match(res.json<{ code: string }>().code, /^DARA_ERR_AUTH_(REFRESH_REUSED|REVOKED)$/)
  }
  // A copy of the refresh token was used twice: neither the old nor the new access token works.
  const winner = answers.find((r) => r.statusCode === 200)?.json<Pair>()
  assert.ok(winner)
  for (const token of [pair.token, winner.token]) {
    const res = await app.inject({
      method: 'GET',
      url: '/api/secret',
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(res.statusCode, 401)
    assert.equal(res.json<{ code: string }>().code, 'DARA_ERR_AUTH_REVOKED')
  }
  assert.equal(calls.handler, 0)
})
