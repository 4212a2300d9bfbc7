// config.setSessionStore() with a factory, as Dara's auth_session_backend takes
// one: called once with the config; anything that is not a store, or a factory
// of one, stops the start with a coded error, never a TypeError later.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { MemorySessionStore, RedisSessionStore } from 'dara-ts/auth'
import { get } from 'dara-ts/http'
import { buildApp } from '../helpers/auth.ts'

void test('a factory is called once, with the config, and the app uses its store', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/ping', () => 'pong'))
  const seen: unknown[] = []
  const store = new MemorySessionStore()
  const made = config.setSessionStore((given) => {
    seen.push(given)
    return store
  })
  assert.equal(made, store)
  assert.deepEqual(seen, [config])
  const app = buildApp(t, config)
  assert.equal(app.sessions.store, store)
  const login = await app.inject({ method: 'POST', url: '/api/auth/session' })
  assert.equal(login.statusCode, 200)
  assert.equal(seen.length, 1)
})

void test('what is not a store, or a factory of one, is DARA_ERR_SESSION_STORE_INVALID', () => {
  const config = new ConfigurationBuilder()
  const cases: [unknown, string][] = [
    [
      RedisSessionStore,
      'the class RedisSessionStore itself, not an instance (write new RedisSessionStore({ ... }))',
    ],
    [
      () => Promise.resolve(new MemorySessionStore()),
      'a factory that returned a Promise (a factory must return the store itself, not a promise of it)',
    ],
    [() => undefined, 'a factory that returned undefined'],
    [
      { url: 'redis://x' },
      'a plain object without isRevoked, create, findSession, findByHandle, rotate, revoke, revokeUser, reserveAttempt, releaseAttempt, clearAttempts, ready, close',
    ],
    ['redis://x', 'a string'],
  ]
  for (const [given, what] of cases) {
    assert.throws(
      // @ts-expect-error each case is what the types refuse, as JavaScript may still pass it
      () => config.setSessionStore(given),
      {
        code: 'DARA_ERR_SESSION_STORE_INVALID',
        message: `DARA_ERR_SESSION_STORE_INVALID: config.setSessionStore() was given ${what}. Pass a session store (new RedisSessionStore({ url }), or your own SessionStore), or a function that returns one.`,
      },
    )
  }
})
