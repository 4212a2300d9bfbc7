// Behind TLS, as docs/deploy.md sets it up: HAProxy ends HTTPS with the
// shipped configuration (deploy/haproxy.cfg with DARA_TLS_CERT), and the app
// trusts that proxy alone (DARA_TRUST_PROXY=127.0.0.1). Plain HTTP is
// redirected; over HTTPS the session cookie is Secure and answers carry HSTS;
// the same app called directly over plain HTTP sets a cookie without Secure.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SECRET } from '../helpers/auth.ts'
import { call, startDara } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'
import { HAPROXY, startHaproxy } from '../helpers/topology.ts'

/** A self-signed certificate for 127.0.0.1, and the PEM HAProxy takes (certificate then key). */
function certificate(t: TestContext): { ca: string; pem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dara-tls-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  )
  const ca = readFileSync(cert, 'utf8')
  const pem = join(dir, 'site.pem')
  writeFileSync(pem, ca + readFileSync(key, 'utf8'))
  return { ca, pem }
}

interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
}

function https(url: string, ca: string, method = 'GET', json?: unknown): Promise<Answer> {
  const payload = json === undefined ? undefined : JSON.stringify(json)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca,
        agent: false,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

const needed = needs(HAPROXY) || needs('openssl')

void describe('HTTPS at HAProxy, the app behind it', { skip: needed }, () => {
  void test(
    'HTTP is redirected; over HTTPS the cookie is Secure and HSTS is sent',
    { timeout: 60_000 },
    async (t) => {
      const { ca, pem } = certificate(t)
      const app = await startDara(t, 'tests/fixtures/cluster-app.ts', {
        NODE_ENV: 'production',
        DARA_JWT_SECRET: SECRET,
        DARA_TRUST_PROXY: '127.0.0.1',
      })
      const backend = app.url.replace('http://', '')
      const lb = await startHaproxy(t, [backend, backend, backend], pem)
      assert.ok(lb.tlsUrl)
      const login = { username: 'ada', password: 'lovelace' }

      let plain = await call(`${lb.url}/api/core/health`).catch(() => undefined)
      for (let i = 0; plain === undefined && i < 100; i++) {
        await sleep(50)
        plain = await call(`${lb.url}/api/core/health`).catch(() => undefined)
      }
      assert.ok(plain, lb.output())
      assert.equal(plain.status, 308)
      assert.equal(plain.headers['location'], `https://${new URL(lb.url).host}/api/core/health`)

      const secure = await https(`${lb.tlsUrl}/api/auth/session`, ca, 'POST', login)
      assert.equal(secure.status, 200)
      assert.match(
        String(secure.headers['set-cookie']),
        /^__Host-dara_session_token=[\w-]+; Max-Age=\d+; Expires=[^;]+ GMT; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
      )
      assert.equal(
        secure.headers['strict-transport-security'],
        'max-age=63072000; includeSubDomains',
      )

      // Secure comes from the proxy's X-Forwarded-Proto: directly, over plain HTTP, there is none.
      const direct = await call(`${app.url}/api/auth/session`, { method: 'POST', json: login })
      assert.equal(direct.status, 200)
      assert.doesNotMatch(String(direct.headers['set-cookie']), /Secure/)
      assert.equal(direct.headers['strict-transport-security'], undefined)
    },
  )
})
