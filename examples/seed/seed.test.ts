// The seed app's behaviour, as its users see it, written with dara-ts/testing:
// each call goes through the real app (auth, validation, injection) in process.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkRouteManifest, testApp } from 'dara-ts/testing'
import { GreetingsConfiguration } from './greetings.ts'
import { config } from './main.ts'
import { config as usaConfig } from './main-usa.ts'

void test('GET /custom/ and /custom-async/ answer Hello World to a logged-in user', async (t) => {
  const api = testApp(config).asUser()
  t.after(() => api.close())
  for (const url of ['custom/', 'custom-async/']) {
    const res = await api.get(url)
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(res.text, '"Hello World"')
  }
})

void test('an endpoint is authenticated unless it says otherwise', async (t) => {
  const api = testApp(config)
  t.after(() => api.close())
  const res = await api.get('custom/')
  assert.equal(res.status, 401)
  assert.deepEqual(res.body, {
    detail:
      'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
    code: 'DARA_ERR_AUTH_NO_CREDENTIALS',
  })
})

void test('greetings come from the configured country: default(), main-usa.ts, or one given in a test', async (t) => {
  const api = testApp(config).asUser({ identityName: 'ada' })
  const usa = testApp(usaConfig).asUser()
  t.after(() => Promise.all([api.close(), usa.close()]))

  assert.deepEqual((await api.get('/greetings')).body, 'Hello from United Kingdom')
  assert.deepEqual((await usa.get('/greetings')).body, 'Hello from USA')
  const france = api.withConfig(new GreetingsConfiguration({ country: 'France' }))
  assert.deepEqual((await france.get('/greetings')).body, 'Hello from France')
  // The view it came from still has the app's own configuration.
  assert.deepEqual((await api.get('/greetings')).body, 'Hello from United Kingdom')
})

void test('USER and SESSION are the caller on /custom, and undefined on the public /public', async (t) => {
  const api = testApp(config)
  t.after(() => api.close())
  const ada = api.asUser({ identityId: 'u-1', identityName: 'ada', groups: ['staff'] })

  const res = await ada.get('/custom')
  assert.equal(res.status, 200)
  assert.ok(typeof res.body === 'object' && res.body !== null && 'sessionId' in res.body)
  assert.match(String(res.body.sessionId), /^[0-9a-f-]{36}$/)
  assert.deepEqual(res.body, {
    userData: { identityId: 'u-1', identityName: 'ada', groups: ['staff'] },
    sessionId: res.body.sessionId,
  })

  for (const caller of [api, ada]) {
    const open = await caller.get('/public')
    assert.deepEqual([open.status, open.body], [200, { userData: null, sessionId: null }])
  }
})

void test('POST /upload, mounted once though both added and required by UploadDropzone, counts what it got', async (t) => {
  const api = testApp(config).asUser()
  t.after(() => api.close())
  const text = await api.post('/upload', 'a,b,c', { headers: { 'content-type': 'text/plain' } })
  assert.deepEqual([text.status, text.body], [200, { received: 5 }])
  const json = await api.post('/upload', { rows: [1, 2] })
  assert.deepEqual([json.status, json.body], [200, { received: 14 }])
})

void test('the seed mounts exactly the routes of routes.json', () =>
  checkRouteManifest(config, new URL('./routes.json', import.meta.url)))
