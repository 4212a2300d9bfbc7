// The app's endpoints called in process, as a client and as a logged-in user:
// `npm test`.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { testApp } from 'dara-ts/testing'
import { config, Greeting } from './main.ts'

void test('/hello answers anyone, with the configured greeting', async (t) => {
  const api = testApp(config)
  t.after(() => api.close())

  const res = await api.get('/hello', { query: { name: 'Ada' } })
  assert.deepEqual([res.status, res.body], [200, { message: 'Hello, Ada!' }])

  const french = await api.withConfig(new Greeting({ word: 'Bonjour' })).get('/hello')
  assert.deepEqual([french.status, french.body], [200, { message: 'Bonjour, world!' }])

  const invalid = await api.get('/hello', { query: { name: '' } })
  assert.equal(invalid.status, 422)
})

void test('/me needs a logged-in user', async (t) => {
  const api = testApp(config)
  t.after(() => api.close())

  const anonymous = await api.get('/me')
  assert.equal(anonymous.status, 401)

  const ada = await api.asUser({ identityName: 'ada' }).get('/me')
  assert.deepEqual([ada.status, ada.body], [200, { user: 'ada' }])
})
