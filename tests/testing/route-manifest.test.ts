// The route manifest of a fixture app: what it lists, and a committed manifest
// that fails the test when a route appears (above all a public one), changes or goes.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigurationBuilder } from 'dara-ts'
import { BasicAuthConfig } from 'dara-ts/auth'
import { Stack, UploadDropzone } from 'dara-ts/components'
import { get, post } from 'dara-ts/http'
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

void test('the manifest lists every route with its method, path, auth, groups, scopes, limits, configurations, dependencies and origin', async () => {
  assert.deepEqual(await routeManifest(config), [
    ...['revoke', 'token'].map((action) => ({
      method: 'POST',
      path: `/api/auth/admin/${action}`,
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    })),
    {
      method: 'POST',
      path: '/api/auth/refresh-token',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'POST',
      path: '/api/auth/revoke-session',
      authenticated: true,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'POST',
      path: '/api/auth/session',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {
        login: '5 failures per user and address, 50 per user, 20 per address; delays 30-900 s',
      },
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/auth/user',
      authenticated: true,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'POST',
      path: '/api/auth/verify-session',
      authenticated: true,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'POST',
      path: '/api/core/data/upload',
      authenticated: true,
      groups: [],
      scopes: [],
      // No dropzone: the route takes no file at all.
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'explicit',
    },
    {
      method: 'GET',
      path: '/api/core/health',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/core/ready',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/docs',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/docs/:asset',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/docs/init.js',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'framework',
    },
    {
      method: 'GET',
      path: '/api/export',
      authenticated: true,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'component ExportButton',
    },
    {
      method: 'GET',
      path: '/api/health',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
      configurations: [],
      dependencies: [],
      origin: 'explicit',
    },
    {
      method: 'GET',
      path: '/api/items',
      authenticated: true,
      groups: [],
      scopes: ['inventory'],
      limits: {},
      configurations: ['StoreConfiguration'],
      dependencies: ['database'],
      origin: 'explicit',
    },
    {
      method: 'POST',
      path: '/api/items',
      authenticated: true,
      groups: ['editors'],
      scopes: [],
      limits: {},
      configurations: ['StoreConfiguration'],
      dependencies: ['audit', 'database'],
      origin: 'explicit',
    },
    {
      method: 'GET',
      path: '/api/openapi.json',
      authenticated: false,
      groups: [],
      scopes: [],
      limits: {},
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

void test("limits come from the app's code: its auth config's login limit, its dropzones' largest file; never the environment", async (t) => {
  const app = new ConfigurationBuilder()
  app.addAuth(
    new BasicAuthConfig({
      username: 'admin',
      password: 'a-long-enough-password',
      loginLimit: { perUser: 3, windowSeconds: 60 },
    }),
  )
  app.addPage(
    'Files',
    new Stack([
      new UploadDropzone({ maxSize: 50 * 1024 * 1024 + 1, resolver: () => 'kept' }),
      new UploadDropzone({ maxSize: 1024, resolver: () => 'kept' }),
    ]),
  )
  app.addEndpoint(post('/orders', () => 'ok'))
  // A deployment's body limit is not the code's: the manifest is the same with it.
  const previous = process.env['DARA_BODY_LIMIT']
  process.env['DARA_BODY_LIMIT'] = String(64 * 1024)
  t.after(() => {
    if (previous === undefined) delete process.env['DARA_BODY_LIMIT']
    else process.env['DARA_BODY_LIMIT'] = previous
  })
  const limits = Object.fromEntries(
    (await routeManifest(app))
      .filter((route) => Object.keys(route.limits).length > 0)
      .map((route) => [`${route.method} ${route.path}`, route.limits]),
  )
  assert.deepEqual(limits, {
    'POST /api/auth/session': {
      login: '5 failures per user and address, 3 per user, 20 per address; delays 30-900 s',
    },
    // Exact, so that a change of one byte shows in the manifest.
    'POST /api/core/data/upload': { file: '52428801 bytes' },
  })
  await checkRouteManifest(config, COMMITTED)
})

void test('a manifest written before scopes and limits were listed shows only the routes that have some as changed', async (t) => {
  const file = copyOfCommitted(t)
  const older = readFileSync(file, 'utf8').replace(/"scopes":\[[^\]]*\],"limits":\{[^}]*\},/g, '')
  assert.doesNotMatch(older, /scopes|limits/)
  writeFileSync(file, older)

  await assert.rejects(checkRouteManifest(config, file), (error: Error) => {
    const lines = error.message.split('\n').slice(1, -1)
    assert.ok(
      lines.includes('  - changed GET /api/items: scopes [] -> ["inventory"]'),
      lines.join('\n'),
    )
    // Routes with neither are not listed.
    assert.ok(!lines.some((line) => line.includes('GET /api/health')), lines.join('\n'))
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
