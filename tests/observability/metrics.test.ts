// Prometheus metrics at /api/core/metrics: off unless enabled, behind a bearer
// secret (or a session), and scraped after real traffic over a socket.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { UploadDropzone } from 'dara-ts/components'
import { get } from 'dara-ts/http'
import { routeManifest, testApp } from 'dara-ts/testing'
import { bearer, buildApp, login, tokenOf } from '../helpers/auth.ts'
import { fileBody, multipart } from '../helpers/multipart.ts'

const SCRAPE_TOKEN = 'scrape-secret-0123456789'

function config(metrics: boolean, token?: string): ConfigurationBuilder {
  const builder = new ConfigurationBuilder()
  builder.addEndpoint(get('/items/{id}', ({ params }) => ({ id: params.id })))
  builder.addEndpoint(get('/health', { authenticated: false }, () => 'ok'))
  if (metrics) builder.enableMetrics(token === undefined ? {} : { token })
  return builder
}

async function listen(t: TestContext, builder: ConfigurationBuilder): Promise<string> {
  const app = buildApp(t, builder)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  return `http://127.0.0.1:${address.port}`
}

/** The sample lines of a metric family, without the HELP and TYPE comments. */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
}

void test('metrics are off unless the app enables them', async (t) => {
  const api = testApp(config(false)).asUser()
  t.after(() => api.close())
  const res = await api.get('/core/metrics')
  assert.deepEqual(
    [res.status, res.body],
    [404, { detail: 'API endpoint not found: GET /api/core/metrics' }],
  )
})

void test('after traffic, a scrape counts requests by route and status, their durations, and auth failures by reason', async (t) => {
  const base = await listen(t, config(true, SCRAPE_TOKEN))
  const session = await fetch(`${base}/api/auth/session`, { method: 'POST' })
  const token = tokenOf(await session.json())
  const calls: [string, RequestInit][] = [
    ['/api/items/1', { headers: bearer(token) }],
    ['/api/items/2', { headers: bearer(token) }],
    ['/api/items/3', {}],
    ['/api/items/4', { headers: bearer('not-a-token') }],
    ['/api/health', {}],
    ['/api/nowhere?x=1', {}],
  ]
  for (const [path, init] of calls) await (await fetch(`${base}${path}`, init)).arrayBuffer()

  const refused = await fetch(`${base}/api/core/metrics`, { headers: bearer('wrong-secret') })
  assert.equal(refused.status, 401)
  assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="dara-metrics"')
  assert.deepEqual(await refused.json(), {
    detail:
      'Metrics need the metrics token: send "Authorization: Bearer <token>" with the token set by DARA_METRICS_TOKEN or config.enableMetrics({ token })',
    code: 'DARA_ERR_METRICS_TOKEN',
  })
  // A session token is not the scrape secret.
  assert.equal((await fetch(`${base}/api/core/metrics`, { headers: bearer(token) })).status, 401)

  const res = await fetch(`${base}/api/core/metrics`, { headers: bearer(SCRAPE_TOKEN) })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  const text = await res.text()
  assert.deepEqual(samples(text, 'dara_http_requests_total'), [
    'dara_http_requests_total{method="POST",route="/api/auth/session",status="200"} 1',
    'dara_http_requests_total{method="GET",route="/api/items/:id",status="200"} 2',
    'dara_http_requests_total{method="GET",route="/api/items/:id",status="401"} 2',
    'dara_http_requests_total{method="GET",route="/api/health",status="200"} 1',
    'dara_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    'dara_http_requests_total{method="GET",route="/api/core/metrics",status="401"} 2',
  ])
  assert.deepEqual(samples(text, 'dara_auth_failures_total'), [
    'dara_auth_failures_total{reason="DARA_ERR_AUTH_NO_CREDENTIALS"} 1',
    'dara_auth_failures_total{reason="DARA_ERR_AUTH_MALFORMED"} 1',
    'dara_auth_failures_total{reason="DARA_ERR_METRICS_TOKEN"} 2',
  ])
  assert.ok(
    samples(text, 'dara_http_request_duration_seconds_count').includes(
      'dara_http_request_duration_seconds_count{method="GET",route="/api/items/:id",status="200"} 2',
    ),
    text,
  )
  assert.match(
    text,
    /^dara_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/items\/:id",status="200"\} 2$/m,
  )
  assert.match(text, /^process_resident_memory_bytes \d+$/m)
})

void test('a scrape counts uploads by outcome, and the bytes read', async (t) => {
  const builder = config(true, SCRAPE_TOKEN)
  builder.addPage('Home', new UploadDropzone())
  const base = await listen(t, builder)
  const token = tokenOf(await (await fetch(`${base}/api/auth/session`, { method: 'POST' })).json())
  const send = async (body: Buffer, contentType: string): Promise<number> => {
    const res = await fetch(`${base}/api/core/data/upload?resolver_id=home:0`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': contentType },
      body,
    })
    await res.arrayBuffer()
    return res.status
  }
  const csv = 'name,qty\nbolt,3\nnut,5\n'
  const good = fileBody('stock.csv', csv)
  const noFile = multipart([{ name: 'note', content: 'no file here' }])
  const statuses = [
    await send(good.body, good.contentType),
    await send(good.body, good.contentType),
    await send(Buffer.from(csv), 'text/csv'),
    await send(noFile.body, noFile.contentType),
  ]
  assert.deepEqual(statuses, [200, 200, 415, 422])

  const res = await fetch(`${base}/api/core/metrics`, { headers: bearer(SCRAPE_TOKEN) })
  const text = await res.text()
  assert.deepEqual(samples(text, 'dara_uploads_total'), [
    'dara_uploads_total{outcome="success"} 2',
    'dara_uploads_total{outcome="DARA_ERR_UPLOAD_NOT_MULTIPART"} 1',
    'dara_uploads_total{outcome="DARA_ERR_UPLOAD_NO_FILE"} 1',
  ])
  // Both CSV files were read whole; the refused requests had no file to read.
  assert.deepEqual(samples(text, 'dara_upload_bytes_total'), [
    `dara_upload_bytes_total ${2 * Buffer.byteLength(csv)}`,
  ])
})

void test('without a metrics token, the scrape needs a session like any endpoint', async (t) => {
  const app = buildApp(t, config(true))
  const anonymous = await app.inject({ method: 'GET', url: '/api/core/metrics' })
  assert.equal(anonymous.statusCode, 401)
  const token = await login(app)
  const res = await app.inject({ method: 'GET', url: '/api/core/metrics', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /^# TYPE dara_http_requests_total counter$/m)
})

void test('config.enableMetrics() refuses a token too short to be a secret', () => {
  assert.throws(() => new ConfigurationBuilder().enableMetrics({ token: 'short' }), {
    message: 'config.enableMetrics({ token }): the token needs at least 16 bytes',
  })
})

void test("the route manifest shows the metrics route as the framework's, and how it is guarded", async () => {
  const withToken = (await routeManifest(config(true, SCRAPE_TOKEN))).find(
    (route) => route.path === '/api/core/metrics',
  )
  assert.deepEqual(withToken, {
    method: 'GET',
    path: '/api/core/metrics',
    authenticated: false,
    groups: [],
    scopes: [],
    limits: {},
    configurations: [],
    dependencies: ['metricsToken'],
    origin: 'framework',
  })
  const withSession = (await routeManifest(config(true))).find(
    (route) => route.path === '/api/core/metrics',
  )
  assert.equal(withSession?.authenticated, true)
  assert.deepEqual(withSession?.dependencies, [])
})
