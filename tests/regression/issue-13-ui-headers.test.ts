// Issue 13, finding 13: UI pages (index.html and the built assets) carried
// headers of their own that overwrote the app's, so
// securityHeaders.contentSecurityPolicy was ignored on them and their
// Referrer-Policy was `same-origin`, not the documented `no-referrer`.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder, createApp, type AppOptions } from 'dara-ts'
import { Text } from 'dara-ts/components'
import { SECRET } from '../helpers/auth.ts'

const UI_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; img-src 'self' data: blob:; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'"
const NAMES = [
  'content-security-policy',
  'referrer-policy',
  'x-content-type-options',
  'x-frame-options',
] as const

function uiApp(t: TestContext, options: Pick<AppOptions, 'securityHeaders'> = {}) {
  const config = new ConfigurationBuilder()
  config.addPage('Report', new Text('numbers'))
  const app = createApp(config, { logger: false, secret: SECRET, ...options })
  t.after(() => app.close())
  return app
}

function security(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(NAMES.map((name) => [name, headers[name]]))
}

/** The page, a page's url, an unknown page, and a built script: every kind of UI answer. */
async function uiAnswers(app: ReturnType<typeof uiApp>) {
  const home = await app.inject({ url: '/' })
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.body)?.[1]
  assert.ok(script, 'index.html names its script')
  return [
    home,
    await app.inject({ url: '/report' }),
    await app.inject({ url: '/no-such-page' }),
    await app.inject({ url: script }),
  ]
}

void test('UI pages carry the documented headers: the UI policy and no-referrer', async (t) => {
  const answers = await uiAnswers(uiApp(t))
  assert.deepEqual(
    answers.map((res) => res.statusCode),
    [200, 200, 404, 200],
  )
  for (const res of answers) {
    assert.deepEqual(security(res.headers), {
      'content-security-policy': UI_CSP,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    })
  }
})

void test("securityHeaders.contentSecurityPolicy replaces the UI pages' policy, or removes it", async (t) => {
  const policy = "default-src 'self'; script-src 'self' https://cdn.example"
  for (const res of await uiAnswers(
    uiApp(t, { securityHeaders: { contentSecurityPolicy: policy } }),
  )) {
    assert.equal(res.headers['content-security-policy'], policy, res.body.slice(0, 80))
    assert.equal(res.headers['referrer-policy'], 'no-referrer')
  }
  for (const res of await uiAnswers(
    uiApp(t, { securityHeaders: { contentSecurityPolicy: false } }),
  )) {
    assert.equal(res.headers['content-security-policy'], undefined)
    assert.equal(res.headers['x-frame-options'], 'DENY')
  }
})
