// Pages: addPage's paths and errors, the menu and page JSON under /api/core,
// props computed per request, and the UI served at / with its cache policy.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { AuthConfig, USER } from 'dara-ts/auth'
import { Button, Card, Heading, navigate, Stack, Text } from 'dara-ts/components'
import { get } from 'dara-ts/http'
import { buildApp, callGet, SECRET } from '../helpers/app.ts'

function twoPages(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  let loads = 0
  config.addPage(
    'Sales Report',
    new Stack(
      [
        new Heading('Sales', { level: 2 }),
        new Text(() => `load ${++loads} for ${USER.get()?.identityName ?? 'nobody'}`),
      ],
      { gap: 8 },
    ),
  )
  config.addPage(
    'Données & Résultats',
    new Card([new Button('Back', { onClick: navigate('sales-report') })], { title: 'Results' }),
  )
  return config
}

void test('addPage makes url-safe paths and returns them', () => {
  const config = new ConfigurationBuilder()
  assert.equal(config.addPage('Sales Report', new Text('x')), 'sales-report')
  assert.equal(config.addPage('Données & Résultats!', new Text('x')), 'donnees-resultats')
  assert.equal(config.addPage('Anything', new Text('x'), { path: 'custom-1' }), 'custom-1')
})

void test('addPage refuses a duplicate path, a bad path, a reserved path and a bad content', () => {
  const config = new ConfigurationBuilder()
  config.addPage('Sales Report', new Text('x'))
  assert.throws(() => config.addPage('sales  report', new Text('x')), {
    name: 'DaraError',
    message:
      'DARA_ERR_PAGE_DUPLICATE: Pages "Sales Report" and "sales  report" both answer at /sales-report. Rename one, or give it its own path: config.addPage(name, content, { path: "other" }).',
  })
  assert.throws(() => config.addPage('!!!', new Text('x')), {
    message:
      'DARA_ERR_PAGE_INVALID: config.addPage("!!!"): the path "" is not url-safe: use lower-case letters, digits and single dashes, at most 100 characters (pass { path })',
  })
  assert.throws(() => config.addPage('X', new Text('x'), { path: '../etc' }), /not url-safe/)
  assert.throws(() => config.addPage('API', new Text('x')), {
    message:
      'DARA_ERR_PAGE_INVALID: config.addPage("API"): the path "api" belongs to dara-ts; pass another one with { path }',
  })
  assert.throws(
    // @ts-expect-error: the content must be a component instance
    () => config.addPage('Plain', { type: 'Text' }),
    /its content must be a component instance/,
  )
})

void test('GET /api/core/pages answers the menu in order; /api/core/config tells how to log in', async (t) => {
  const app = buildApp(t, twoPages())
  const menu = await callGet(app, '/api/core/pages')
  assert.equal(menu.statusCode, 200)
  assert.deepEqual(menu.json(), {
    pages: [
      { name: 'Sales Report', path: 'sales-report' },
      { name: 'Données & Résultats', path: 'donnees-resultats' },
    ],
  })
  const config = await app.inject({ method: 'GET', url: '/api/core/config' })
  assert.equal(config.statusCode, 200)
  assert.deepEqual(config.json(), {
    title: 'dara-ts',
    auth: 'anonymous',
    components: null,
    session: false,
  })
})

void test('/api/core/config says "login" when the auth config needs credentials', async (t) => {
  class TeamAuth extends AuthConfig {
    authenticate() {
      return { identityId: 'ada', identityName: 'Ada', groups: [] }
    }
  }
  const config = twoPages()
  config.addAuth(new TeamAuth())
  const app = buildApp(t, config)
  const res = await app.inject({ method: 'GET', url: '/api/core/config' })
  assert.deepEqual(res.json(), {
    title: 'dara-ts',
    auth: 'login',
    components: null,
    session: false,
  })
})

void test('a page is its component tree as JSON; function props run on each load, as the user', async (t) => {
  const app = buildApp(t, twoPages())
  const expected = (load: number) => ({
    name: 'Sales Report',
    path: 'sales-report',
    content: {
      type: 'Stack',
      id: 'sales-report:0',
      props: { direction: 'vertical', gap: 8 },
      children: [
        {
          type: 'Heading',
          id: 'sales-report:0.0',
          props: { text: 'Sales', level: 2 },
          children: [],
        },
        {
          type: 'Text',
          id: 'sales-report:0.1',
          props: { text: `load ${load} for user` },
          children: [],
        },
      ],
    },
  })
  const first = await callGet(app, '/api/core/pages/sales-report')
  assert.equal(first.statusCode, 200)
  assert.deepEqual(first.json(), expected(1))
  assert.deepEqual((await callGet(app, '/api/core/pages/sales-report')).json(), expected(2))

  const other = await callGet(app, '/api/core/pages/donnees-resultats')
  assert.deepEqual(other.json(), {
    name: 'Données & Résultats',
    path: 'donnees-resultats',
    content: {
      type: 'Card',
      id: 'donnees-resultats:0',
      props: { title: 'Results' },
      children: [
        {
          type: 'Button',
          id: 'donnees-resultats:0.0',
          props: { label: 'Back', onClick: { action: 'navigate', to: '/sales-report' } },
          children: [],
        },
      ],
    },
  })
})

void test('pages need a session: 401 without a token, 404 for an unknown page', async (t) => {
  const app = buildApp(t, twoPages())
  for (const url of ['/api/core/pages', '/api/core/pages/sales-report']) {
    const res = await app.inject({ method: 'GET', url })
    assert.equal(res.statusCode, 401, url)
    assert.equal(res.json<{ code: string }>().code, 'DARA_ERR_AUTH_NO_CREDENTIALS')
  }
  const missing = await callGet(app, '/api/core/pages/nope')
  assert.equal(missing.statusCode, 404)
  assert.deepEqual(missing.json(), {
    detail: 'No page at path "nope"',
    code: 'DARA_ERR_PAGE_NOT_FOUND',
  })
})

void test('the UI is served at / and at every page path; unknown paths get it with 404', async (t) => {
  const app = buildApp(t, twoPages())
  const home = await app.inject({ method: 'GET', url: '/' })
  assert.equal(home.statusCode, 200)
  assert.equal(home.headers['content-type'], 'text/html; charset=utf-8')
  assert.equal(home.headers['cache-control'], 'no-cache')
  assert.match(home.headers['content-security-policy'] ?? '', /default-src 'self'/)
  assert.match(home.body, /<div id="root"><\/div>/)

  for (const url of ['/sales-report', '/sales-report/', '/donnees-resultats?tab=1', '/login']) {
    const page = await app.inject({ method: 'GET', url })
    assert.equal(page.statusCode, 200, url)
    assert.equal(page.body, home.body, url)
  }
  const unknown = await app.inject({ method: 'GET', url: '/nowhere/deep' })
  assert.equal(unknown.statusCode, 404)
  assert.equal(unknown.body, home.body)
})

void test('hashed assets are cached for a year; a matching ETag answers 304', async (t) => {
  const app = buildApp(t, twoPages())
  const home = await app.inject({ method: 'GET', url: '/' })
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.body)?.[1]
  assert.ok(script, 'index.html names its script')
  const js = await app.inject({ method: 'GET', url: script })
  assert.equal(js.statusCode, 200)
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8')
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable')
  assert.ok(js.body.length > 1000)

  const again = await app.inject({
    method: 'GET',
    url: script,
    headers: { 'if-none-match': String(js.headers['etag']) },
  })
  assert.equal(again.statusCode, 304)
  assert.equal(again.body, '')
  const missing = await app.inject({ method: 'GET', url: '/assets/nope.js' })
  assert.equal(missing.statusCode, 404)
  assert.deepEqual(missing.json(), { detail: 'Not Found' })
  const manifest = await app.inject({ method: 'GET', url: '/components.json' })
  assert.equal(manifest.headers['content-type'], 'text/html; charset=utf-8')
})

void test('/api keeps its JSON 404 beside the UI, for every method', async (t) => {
  const app = buildApp(t, twoPages())
  for (const method of ['GET', 'POST'] as const) {
    const res = await app.inject({ method, url: '/api/nope' })
    assert.equal(res.statusCode, 404)
    assert.deepEqual(res.json(), { detail: `API endpoint not found: ${method} /api/nope` })
  }
})

void test('an app without pages serves no UI: / is a JSON 404', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/ping', { authenticated: false }, () => 'pong'))
  const app = buildApp(t, config)
  const res = await app.inject({ method: 'GET', url: '/' })
  assert.equal(res.statusCode, 404)
  assert.deepEqual(res.json(), { detail: 'Not Found' })
  // Under /api/core only the probes: no upload route without a dropzone.
  assert.deepEqual(
    app.routePlans.filter((plan) => plan.path.startsWith('/api/core')).map((plan) => plan.path),
    ['/api/core/health', '/api/core/ready'],
  )
})

void test('an app with pages and no built UI stops at start, naming the command', () => {
  const empty = mkdtempSync(join(tmpdir(), 'dara-ui-'))
  assert.throws(() => createApp(twoPages(), { logger: false, secret: SECRET, uiDir: empty }), {
    name: 'DaraError',
    message: `DARA_ERR_UI_NOT_BUILT: The app has pages but the UI is not built (${join(empty, 'index.html')} is missing). Run \`npm run build\` in the dara-ts package.`,
  })
})
