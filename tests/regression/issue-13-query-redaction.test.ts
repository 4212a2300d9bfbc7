// Issue 13, finding 16: the request log line wrote the whole query string
// (`/api/health?token=secret`). Query values are redacted in the log and in
// the span's `url.query`, except under the keys the app lists as safe
// (`safeQueryKeys`, `DARA_SAFE_QUERY_KEYS`).
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { tracing } from '@opentelemetry/sdk-node'
import { ConfigurationBuilder, createApp, type AppOptions } from 'dara-ts'
import { get } from 'dara-ts/http'
import { SECRET } from '../helpers/auth.ts'

const URL_SENT = '/api/health?token=s3cr3t&page=2&sort=a%20b&flag&empty=&redirect=%2Fhome%3Fk%3Dv'

function config(): ConfigurationBuilder {
  const c = new ConfigurationBuilder()
  c.addEndpoint(get('/health', { authenticated: false }, () => 'ok'))
  c.addEndpoint(get('/never', { authenticated: false }, () => new Promise<never>(() => undefined)))
  return c
}

/** An app whose log lines are captured as pino writes them, and whose spans are kept in memory. */
function observed(t: TestContext, options: Pick<AppOptions, 'safeQueryKeys' | 'limits'> = {}) {
  const raw: string[] = []
  const exporter = new tracing.InMemorySpanExporter()
  const provider = new tracing.BasicTracerProvider({
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  })
  const app = createApp(config(), {
    secret: SECRET,
    logger: { level: 'info', stream: { write: (line: string) => void raw.push(line) } },
    tracing: provider,
    ...options,
  })
  t.after(() => app.close())
  const requestUrls = () =>
    raw
      .map((line) => JSON.parse(line) as { msg: string; url?: string })
      .filter((line) => line.msg === 'request')
      .map((line) => line.url)
  const spanQueries = () => exporter.getFinishedSpans().map((span) => span.attributes['url.query'])
  return { app, raw, requestUrls, spanQueries }
}

function withEnv(t: TestContext, name: string, value: string): void {
  const before = process.env[name]
  process.env[name] = value
  t.after(() => {
    if (before === undefined) delete process.env[name]
    else process.env[name] = before
  })
}

void test('by default every query value is redacted in the request line and the span', async (t) => {
  const { app, raw, requestUrls, spanQueries } = observed(t)
  assert.equal((await app.inject({ url: URL_SENT })).statusCode, 200)
  assert.equal((await app.inject({ url: '/api/health' })).statusCode, 200)
  assert.deepEqual(requestUrls(), [
    '/api/health?token=[REDACTED]&page=[REDACTED]&sort=[REDACTED]&[REDACTED]&empty=&redirect=[REDACTED]',
    '/api/health',
  ])
  assert.deepEqual(spanQueries(), [
    'token=[REDACTED]&page=[REDACTED]&sort=[REDACTED]&[REDACTED]&empty=&redirect=[REDACTED]',
    undefined,
  ])
  assert.ok(!raw.join('').includes('s3cr3t'), 'the secret is nowhere in the log')
})

void test('safeQueryKeys lists the keys whose values are kept, compared decoded', async (t) => {
  const { app, raw, requestUrls, spanQueries } = observed(t, {
    safeQueryKeys: ['page', 'sort', 'flag'],
  })
  assert.equal((await app.inject({ url: URL_SENT })).statusCode, 200)
  // An encoded key is the same key: `p%61ge` is `page`.
  assert.equal((await app.inject({ url: '/api/health?p%61ge=3&Page=4' })).statusCode, 200)
  assert.deepEqual(requestUrls(), [
    '/api/health?token=[REDACTED]&page=2&sort=a%20b&flag&empty=&redirect=[REDACTED]',
    '/api/health?p%61ge=3&Page=[REDACTED]',
  ])
  assert.deepEqual(spanQueries(), [
    'token=[REDACTED]&page=2&sort=a%20b&flag&empty=&redirect=[REDACTED]',
    'p%61ge=3&Page=[REDACTED]',
  ])
  assert.ok(!raw.join('').includes('s3cr3t'))
})

void test('DARA_SAFE_QUERY_KEYS sets the safe keys for apps that dara start runs', async (t) => {
  withEnv(t, 'DARA_SAFE_QUERY_KEYS', ' page , sort ')
  const { app, requestUrls } = observed(t)
  assert.equal(
    (await app.inject({ url: '/api/health?page=2&sort=x&token=s3cr3t' })).statusCode,
    200,
  )
  assert.deepEqual(requestUrls(), ['/api/health?page=2&sort=x&token=[REDACTED]'])
})

void test('the error line of a request that timed out leaves the query out', async (t) => {
  const { app, raw, requestUrls } = observed(t, { limits: { handlerTimeout: 50 } })
  assert.equal((await app.inject({ url: '/api/never?token=s3cr3t' })).statusCode, 503)
  const errors = raw
    .map((line) => JSON.parse(line) as { level: number; url?: string })
    .filter((line) => line.level === 50)
    .map((line) => line.url)
  assert.deepEqual(errors, ['/api/never'])
  assert.deepEqual(requestUrls(), ['/api/never?token=[REDACTED]'])
  assert.ok(!raw.join('').includes('s3cr3t'))
})
