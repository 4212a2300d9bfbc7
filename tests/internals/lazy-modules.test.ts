// An app that uses none of them loads neither ioredis, Fastify's response
// serializer compiler, zod, @fastify/multipart, @fastify/cors, csv-parse nor
// @fastify/websocket (with ws), openid-client (with jose), read-excel-file:
// each costs megabytes or milliseconds at start (zod alone is about 100 modules).
// Checked in a fresh process, since this one may have loaded them already.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

// Every module resolved, through the module hooks (ES modules and, where Node
// has in-thread hooks, require) and require's cache.
const PROGRAM = `
import * as nodeModule from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const seen = new Set()
if (nodeModule.registerHooks) {
  nodeModule.registerHooks({ resolve(specifier, context, next) {
    const resolved = next(specifier, context)
    seen.add(resolved.url)
    return resolved
  } })
} else {
  const { port1, port2 } = new MessageChannel()
  port1.on('message', (url) => seen.add(url))
  port1.unref()
  const hook = 'let port; export function initialize(data) { port = data.port }' +
    'export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r }'
  nodeModule.register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] })
}
const { ConfigurationBuilder, createApp } = await import('dara-ts')
const { get } = await import('dara-ts/http')
const config = new ConfigurationBuilder()
config.addEndpoint(get('/ping', () => 'pong'))
const app = createApp(config, { logger: false, secret: 'x'.repeat(32) })
const token = (await app.sessions.mint({ identityId: 'a', identityName: 'a', groups: [] })).token
const res = await app.inject({ url: '/api/ping', headers: { authorization: 'Bearer ' + token } })
await app.close()
await new Promise((resolve) => setTimeout(resolve, 50))
for (const file of Object.keys(nodeModule.createRequire(import.meta.url).cache)) seen.add(file)
const loaded = (name) => [...seen].some((file) => file.includes('/node_modules/' + name + '/'))
console.log(JSON.stringify({
  status: res.statusCode,
  fastify: loaded('fastify'),
  ioredis: loaded('ioredis'),
  serializer: loaded('@fastify/fast-json-stringify-compiler'),
  zod: loaded('zod'),
  multipart: loaded('@fastify/multipart'),
  cors: loaded('@fastify/cors'),
  csv: loaded('csv-parse'),
  websocket: loaded('@fastify/websocket'),
  ws: loaded('ws'),
  oidc: loaded('openid-client') || loaded('jose') || loaded('oauth4webapi'),
  xlsx: loaded('read-excel-file'),
}))
`

void test('an app that uses none of them loads no Redis client, serializer compiler, multipart, CORS, CSV or Excel parser, websocket server or OIDC client', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', PROGRAM],
    { cwd: ROOT, encoding: 'utf8' },
  )
  assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1) ?? ''), {
    status: 200,
    // The probe sees what is loaded: Fastify always is.
    fastify: true,
    ioredis: false,
    serializer: false,
    // The framework's own admin routes (`dara token` against a running app)
    // validate their bodies with zod, so every app loads it at start.
    zod: true,
    multipart: false,
    cors: false,
    csv: false,
    websocket: false,
    ws: false,
    // OpenID Connect's client and its JOSE library load only with OIDCAuthConfig.
    oidc: false,
    xlsx: false,
  })
})
