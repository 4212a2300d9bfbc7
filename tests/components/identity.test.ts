// App identity: config.setTitle() in index.html and /api/core/config, the
// favicon (dara-ts's own, or the app's), and /api/core/config telling the UI
// whether the browser already has a session, so a first visit makes one
// before asking anything that would answer 401.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { Text } from 'dara-ts/components'
import { buildApp } from '../helpers/auth.ts'

const DEFAULT_ICON = readFileSync(new URL('../../ui/public/favicon.svg', import.meta.url))

function onePage(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addPage('Home', new Text('Hello'))
  return config
}

void test('setTitle names the app in index.html, before any script, and in /api/core/config', async (t) => {
  const config = onePage()
  config.setTitle('Sales <& Co>')
  const app = buildApp(t, config)
  const index = await app.inject({ method: 'GET', url: '/home' })
  assert.equal(index.statusCode, 200)
  assert.match(index.body, /<title>Sales &lt;&amp; Co&gt;<\/title>/)
  const ui = await app.inject({ method: 'GET', url: '/api/core/config' })
  assert.deepEqual(ui.json(), {
    title: 'Sales <& Co>',
    auth: 'anonymous',
    components: null,
    session: false,
  })
  assert.throws(() => config.setTitle(''), /config\.setTitle\(title\): pass a title/)
})

void test('the default favicon answers 200 at the path index.html names, and at /favicon.ico', async (t) => {
  const app = buildApp(t, onePage())
  const index = await app.inject({ method: 'GET', url: '/' })
  assert.match(index.body, /<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml" \/>/)
  for (const url of ['/favicon.svg', '/favicon.ico']) {
    const res = await app.inject({ method: 'GET', url })
    assert.equal(res.statusCode, 200, url)
    assert.equal(res.headers['content-type'], 'image/svg+xml')
    assert.ok(res.rawPayload.equals(DEFAULT_ICON), url)
  }
})

void test('setFavicon serves the app its own icon and names it in index.html', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'dara-icon-'))
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
  writeFileSync(join(folder, 'logo.png'), png)
  const config = onePage()
  config.setFavicon(join(folder, 'logo.png'))
  const app = buildApp(t, config)
  const index = await app.inject({ method: 'GET', url: '/' })
  assert.match(index.body, /<link rel="icon" href="\/favicon\.png" type="image\/png" \/>/)
  for (const url of ['/favicon.png', '/favicon.ico']) {
    const res = await app.inject({ method: 'GET', url })
    assert.equal(res.statusCode, 200, url)
    assert.equal(res.headers['content-type'], 'image/png')
    assert.ok(res.rawPayload.equals(png), url)
  }
})

void test('a favicon that is missing or not an icon stops the start with its code', () => {
  const missing = onePage()
  missing.setFavicon('/nowhere/logo.png')
  assert.throws(
    () => createApp(missing, { logger: false, secret: 'x'.repeat(32) }),
    (error: Error) => {
      assert.equal(
        error.message,
        'DARA_ERR_FAVICON_INVALID: config.setFavicon(/nowhere/logo.png): no such file. Pass the path of an .ico, .png or .svg file, absolute or from the folder `dara start` runs in.',
      )
      return true
    },
  )
  const wrong = onePage()
  wrong.setFavicon('/etc/hostname')
  assert.throws(
    () => createApp(wrong, { logger: false, secret: 'x'.repeat(32) }),
    /DARA_ERR_FAVICON_INVALID: config\.setFavicon\(\/etc\/hostname\): not an \.ico, \.png or \.svg file/,
  )
})

void test('/api/core/config says whether the request carries a live session', async (t) => {
  const app = buildApp(t, onePage())
  const session = await app.inject({ method: 'POST', url: '/api/auth/session' })
  assert.equal(session.statusCode, 200)
  const handle = /dara_session_token=([^;]+)/.exec(String(session.headers['set-cookie']))?.[1]
  assert.ok(handle)
  const ask = (cookie?: string) =>
    app.inject({
      method: 'GET',
      url: '/api/core/config',
      ...(cookie === undefined ? {} : { headers: { cookie } }),
    })
  assert.equal((await ask()).json<{ session: boolean }>().session, false)
  assert.equal(
    (await ask(`dara_session_token=${handle}`)).json<{ session: boolean }>().session,
    true,
  )
  // A cookie the app does not know is no session: the UI makes a new one, no 401 seen.
  const unknown = await ask('dara_session_token=nope')
  assert.equal(unknown.statusCode, 200)
  assert.equal(unknown.json<{ session: boolean }>().session, false)
})
