// The route manifest of a fixture app: what it lists, and a committed manifest
// that fails the test when a route appears (above all a public one), changes or goes.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { get } from 'dara-ts/http'
import { checkRouteManifest, routeManifest } from 'dara-ts/testing'
import { cloneBuilder } from '../../src/config/clone.ts'
import { config } from '../fixtures/manifest-app.ts'

const COMMITTED = fileURLToPath(new URL('../fixtures/manifest-app.routes.json', import.meta.url))

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'dara-manifest-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The fixture app's manifest file, copied where a test may rewrite it. */
function copyOfCommitted(t: TestContext): string {
  const file = join(tempDir(t), 'routes.json')
  writeFileSync(file, readFileSync(COMMITTED))
  return file
}

void test('the manifest lists every route with its method, path, auth, configurations, dependencies and origin', async () => {
  assert.deepEqual(await routeManifest(config), [
    {
      method: 'POST',
      path: '/api/auth/refresh-token',
      authenticated: false,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'POST',
      path: '/api/auth/revoke-session',
      authenticated: true,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'POST',
      path: '/api/auth/session',
      authenticated: false,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/auth/user',
      authenticated: true,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'POST',
      path: '/api/auth/verify-session',
      authenticated: true,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/docs',
      authenticated: false,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/docs/:asset',
      authenticated: false,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/docs/init.js',
      authenticated: false,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/export',
      authenticated: true,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'component ExportButton',
    },
    {
      method: 'GET',
      path: '/api/health',
      authenticated: false,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'explicit',
    },
    {
      method: 'GET',
      path: '/api/items',
      authenticated: true,
      groups: [],
      configurations: ['StoreConfiguration'],
      dependencies: ['database'],
      origin: 'explicit',
    },
    {
      method: 'POST',
      path: '/api/items',
      authenticated: true,
      groups: ['editors'],
      configurations: ['StoreConfiguration'],
      dependencies: ['audit', 'database'],
      origin: 'explicit',
    },
    {
      method: 'GET',
      path: '/api/openapi.json',
      authenticated: false,
      groups: [],
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
  ])
})

void test('the app matches its committed manifest', async () => {
  await checkRouteManifest(config, COMMITTED)
})

void test('a new public route fails the check until the manifest is accepted', async (t) => {
  const file = copyOfCommitted(t)
  const grown = cloneBuilder(config)
  grown.addEndpoint(get('/debug', { authenticated: false }, () => 'state'))
  grown.addEndpoint(get('/report', () => 'report'))

  await assert.rejects(checkRouteManifest(grown, file), {
    code: 'DARA_ERR_MANIFEST_CHANGED',
    message:
      `DARA_ERR_MANIFEST_CHANGED: The app's routes differ from the manifest ${file}:` +
      '\n  - new PUBLIC route GET /api/debug (explicit): anyone may call it without a session' +
      '\n  - new route GET /api/report (explicit)' +
      `\nIf these changes are meant, accept them: rerun with DARA_ACCEPT_ROUTES=1 (rewrites ${file}) and commit the file.`,
  })

  await checkRouteManifest(grown, file, { accept: true })
  await checkRouteManifest(grown, file)
  assert.match(readFileSync(file, 'utf8'), /"path":"\/api\/debug","authenticated":false/)
})

void test('a route that turns public, and a route that goes, are listed too', async (t) => {
  const file = copyOfCommitted(t)
  // The committed file as if /api/health had been authenticated, and a DELETE route had existed.
  const removed =
    '{"method":"DELETE","path":"/api/items","authenticated":true,"groups":[],"configurations":[],"dependencies":[],"origin":"explicit"}'
  const edited = readFileSync(file, 'utf8')
    .replace('"/api/health","authenticated":false', '"/api/health","authenticated":true')
    .replace('[\n', `[\n  ${removed},\n`)
  writeFileSync(file, edited)

  await assert.rejects(checkRouteManifest(config, file), (error: Error) => {
    assert.deepEqual(error.message.split('\n').slice(1, -1), [
      '  - changed GET /api/health (now PUBLIC): authenticated true -> false',
      '  - removed route DELETE /api/items',
    ])
    return true
  })
})

void test('a missing or malformed manifest says how to write one', async (t) => {
  const dir = tempDir(t)
  const missing = join(dir, 'none.json')
  await assert.rejects(checkRouteManifest(config, missing), {
    code: 'DARA_ERR_MANIFEST_MISSING',
    message: `DARA_ERR_MANIFEST_MISSING: No route manifest at ${missing}. Write it with DARA_ACCEPT_ROUTES=1, or \`dara routes <entry> --json > ${missing}\`, review it and commit it.`,
  })
  const bad = join(dir, 'bad.json')
  writeFileSync(bad, '[{"method":"GET"}]')
  await assert.rejects(checkRouteManifest(config, bad), { code: 'DARA_ERR_MANIFEST_INVALID' })
})
