// The docs page in Debian's Chromium: it lists the app's endpoints, and no
// request leaves loopback. The bundled client runs in the same browser.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { get } from 'dara-ts/http'
import { config } from '../../examples/api/main.ts'
import { bundleClient } from '../helpers/bundle.ts'
import { listen, sessionToken } from '../helpers/listen.ts'
import { needs } from '../helpers/system.ts'
import { launch } from './chromium.ts'

void describe('the docs page', { skip: needs('chromium') }, () => {
  void test('lists every endpoint, loading nothing from outside loopback', async (t) => {
    const { baseUrl } = await listen(t, config)
    const browser = await launch(t)
    const context = await browser.newContext()
    const requests: string[] = []
    context.on('request', (request) => requests.push(request.url()))
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)
    // A request the page's CSP blocks never reaches the network, so count the attempts too.
    await page.addInitScript(`
      window.cspViolations = []
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.blockedURI))
    `)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))

    const res = await page.goto(`${baseUrl}/api/docs`)
    assert.equal(res?.status(), 200)
    await page.locator('.opblock').first().waitFor()
    const listed = await page.evaluate<string[]>(`
      [...document.querySelectorAll('.opblock-summary')].map((block) =>
        block.querySelector('.opblock-summary-method').textContent + ' ' +
        block.querySelector('.opblock-summary-path').getAttribute('data-path'))
    `)
    assert.deepEqual(listed.sort(), [
      'DELETE /api/items/{id}',
      'GET /api/auth/user',
      'GET /api/core/health',
      'GET /api/core/ready',
      'GET /api/greetings',
      'GET /api/health',
      'GET /api/items',
      'GET /api/items/{id}',
      'POST /api/auth/admin/revoke',
      'POST /api/auth/admin/token',
      'POST /api/auth/refresh-token',
      'POST /api/auth/revoke-session',
      'POST /api/auth/session',
      'POST /api/auth/verify-session',
      'POST /api/items/{id}',
    ])
    assert.equal(await page.locator('.info .title').innerText(), 'Items API\n 1.0.0 \nOAS 3.1')

    // The explorer calls the API itself: open GET /api/health, try it out.
    const health = page.locator('#operations-default-getHealth')
    await health.locator('.opblock-summary').click()
    await health.locator('button.try-out__btn').click()
    await health.locator('button.execute').click()
    await health.locator('.live-responses-table tr.response .response-col_status').first().waitFor()
    assert.equal(
      (
        await health
          .locator('.live-responses-table tr.response .response-col_status')
          .first()
          .innerText()
      ).trim(),
      '200',
    )

    assert.deepEqual(errors, [])
    assert.deepEqual(await page.evaluate('window.cspViolations'), [])
    assert.ok(requests.length >= 4, `requests: ${requests.join(', ')}`)
    const outside = requests.filter((url) => !url.startsWith(`${baseUrl}/`))
    assert.deepEqual(outside, [])
    assert.ok(requests.includes(`${baseUrl}/api/openapi.json`))
    assert.ok(requests.includes(`${baseUrl}/api/health`))
  })

  void test('the bundled client calls the app from a page', async (t) => {
    const { baseUrl } = await listen(t, config)
    const token = await sessionToken(baseUrl)
    const { code } = await bundleClient()
    const browser = await launch(t)
    // The bundle stands in for a page's own script, injected inline into a JSON
    // answer of the app: the API's content security policy forbids exactly that,
    // so the page is opened with CSP bypassed, as the bundle would be served by a page.
    const page = await browser.newPage({ bypassCSP: true })
    page.setDefaultTimeout(20_000)
    await page.goto(`${baseUrl}/api/health`)
    await page.addScriptTag({ content: code })
    // Plain JavaScript, as a page's own script would call the bundle's global.
    const results = await page.evaluate(`(async () => {
      const { createClient, ResponseError } = window.DaraClient
      const client = createClient(location.origin, { token: ${JSON.stringify(token)} })
      const saved = await client.post('/items/{id}', { params: { id: 3 }, body: { name: 'Three' } })
      const refused = await createClient(location.origin).get('/greetings').catch((error) => error)
      return {
        saved,
        greeting: await client.get('/greetings'),
        refused: refused instanceof ResponseError ? [refused.status, refused.code] : String(refused),
      }
    })()`)
    assert.deepEqual(results, {
      saved: { id: 3, name: 'Three', owner: 'user' },
      greeting: { message: 'Hello, user' },
      refused: [401, 'DARA_ERR_AUTH_NO_CREDENTIALS'],
    })
  })

  void test('docs({ authenticated: true }) opens to a browser with a session cookie', async (t) => {
    const locked = new ConfigurationBuilder()
    locked.docs({ authenticated: true, title: 'Locked' })
    locked.addEndpoint(get('/secret', () => 'hidden'))
    const { baseUrl } = await listen(t, locked)
    const browser = await launch(t)
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)

    const refused = await page.goto(`${baseUrl}/api/docs`)
    assert.equal(refused?.status(), 401)
    assert.deepEqual(await refused?.json(), {
      detail:
        'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
      code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
    })

    // Logging in sets the session cookie in the browser's own jar.
    const login = await context.request.post(`${baseUrl}/api/auth/session`)
    assert.equal(login.status(), 200)
    const res = await page.goto(`${baseUrl}/api/docs`)
    assert.equal(res?.status(), 200)
    await page.locator('.opblock').first().waitFor()
    assert.ok(await page.locator('.opblock-summary-path[data-path="/api/secret"]').isVisible())
  })
})
