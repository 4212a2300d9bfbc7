// An app on the memory store loads neither ioredis nor Fastify's response
// serializer compiler: each costs megabytes and milliseconds at start.
// Checked in a fresh process, since this one may have loaded them already.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const PROGRAM = `
import { createRequire } from 'node:module'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { get } from 'dara-ts/http'
const config = new ConfigurationBuilder()
config.addEndpoint(get('/ping', () => 'pong'))
const app = createApp(config, { logger: false, secret: 'x'.repeat(32) })
const token = (await app.sessions.mint({ identityId: 'a', identityName: 'a', groups: [] })).token
const res = await app.inject({ url: '/api/ping', headers: { authorization: 'Bearer ' + token } })
await app.close()
const cache = Object.keys(createRequire(import.meta.url).cache)
const loaded = (name) => cache.some((file) => file.includes('/node_modules/' + name + '/'))
console.log(JSON.stringify({
  status: res.statusCode,
  ioredis: loaded('ioredis'),
  serializer: loaded('@fastify/fast-json-stringify-compiler'),
}))
`

void test('an app on the memory store loads no Redis client and no response serializer compiler', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', PROGRAM],
    { cwd: ROOT, encoding: 'utf8' },
  )
  assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1) ?? ''), {
    status: 200,
    ioredis: false,
    serializer: false,
  })
})
