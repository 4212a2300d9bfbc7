// The SessionStore contract, run against each store dara-ts ships: the memory
// store, and the Redis store on a real redis-server. A store of your own can
// be checked the same way.
import assert from 'node:assert/strict'
import { describe, test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { MemorySessionStore, RedisSessionStore, type SessionStore } from 'dara-ts/auth'
import { startRedis } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'

const NOW = Date.UTC(2030, 0, 1)
const user = { identityId: 'ada', identityName: 'Ada', groups: ['admins'] }
const session = (id: string, expiresAt = NOW + 60_000) => ({ sessionId: id, user, expiresAt })
// Session ids are UUIDs in practice; any string works for a store.
const keys = (id: string) => ({ handle: `handle-${id}`, refresh: `refresh-${id}-0` })

function contract(name: string, make: (t: TestContext) => Promise<SessionStore>): void {
  void test(`${name}: create, find by handle, rotate, reuse revokes`, async (t) => {
    const store = await make(t)
    await store.create(session('s1'), keys('s1'), NOW)
    assert.deepEqual(await store.findByHandle('handle-s1', NOW), session('s1'))
    assert.equal(await store.findByHandle('handle-nope', NOW), undefined)

    assert.deepEqual(await store.rotate('s1', 'refresh-s1-0', 'refresh-s1-1', NOW), {
      kind: 'rotated',
      session: session('s1'),
    })
    assert.deepEqual(await store.rotate('s1', 'made-up', 'x', NOW), { kind: 'unknown' })
    assert.deepEqual(await store.rotate('nope', 'refresh-s1-1', 'x', NOW), { kind: 'unknown' })
    assert.equal(store.isRevoked('s1'), false)
    assert.deepEqual(await store.rotate('s1', 'refresh-s1-0', 'x', NOW), { kind: 'reused' })
    assert.equal(store.isRevoked('s1'), true)
    assert.deepEqual(await store.rotate('s1', 'refresh-s1-1', 'x', NOW), { kind: 'revoked' })
  })

  void test(`${name}: expiry and revocation`, async (t) => {
    const store = await make(t)
    // Created a minute earlier, so that Redis keeps the key while the test runs.
    await store.create(session('s2', NOW + 1000), keys('s2'), NOW - 60_000)
    assert.deepEqual(await store.rotate('s2', 'refresh-s2-0', 'n', NOW + 1000), { kind: 'expired' })
    await store.create(session('s3'), keys('s3'), NOW)
    await store.revoke('s3', NOW + 60_000, NOW)
    assert.equal(store.isRevoked('s3'), true)
    assert.equal(store.isRevoked('s2'), false)
    assert.deepEqual(await store.rotate('s3', 'refresh-s3-0', 'n', NOW), { kind: 'revoked' })
  })

  void test(`${name}: findSession knows every session it stored, expired or not`, async (t) => {
    const store = await make(t)
    await store.create(session('s4'), keys('s4'), NOW)
    assert.deepEqual(await store.findSession('s4', NOW), session('s4'))
    assert.equal(await store.findSession('nope', NOW), undefined)
  })

  void test(`${name}: revokeUser revokes every live session of that user only`, async (t) => {
    const store = await make(t)
    const grace = { identityId: 'grace', identityName: 'Grace', groups: [] }
    await store.create(session('a1'), keys('a1'), NOW)
    await store.create(session('a2'), keys('a2'), NOW)
    await store.create({ sessionId: 'g1', user: grace, expiresAt: NOW + 60_000 }, keys('g1'), NOW)
    assert.equal(await store.revokeUser('ada', NOW), 2)
    assert.deepEqual(
      ['a1', 'a2', 'g1'].map((id) => store.isRevoked(id)),
      [true, true, false],
    )
    assert.equal(await store.revokeUser('ada', NOW), 0)
    assert.equal(await store.revokeUser('nobody', NOW), 0)
  })

  void test(`${name}: login attempts reserved atomically, then delayed`, async (t) => {
    const store = await make(t)
    const rule = { windowMs: 60_000, delayMs: 1000, maxDelayMs: 4000 }
    const counters = [
      { key: 'a', free: 2 },
      { key: 'b', free: 3 },
    ]
    // Two free attempts on "a"; the third waits the first delay from the last attempt.
    assert.deepEqual(await store.reserveAttempt(counters, rule, NOW), { ok: true })
    assert.deepEqual(await store.reserveAttempt(counters, rule, NOW + 10), { ok: true })
    assert.deepEqual(await store.reserveAttempt(counters, rule, NOW + 20), {
      ok: false,
      counter: 0,
      retryMs: 990,
    })
    // A refused attempt counts nowhere: "b" is still at 2 of its 3.
    assert.deepEqual(await store.reserveAttempt([{ key: 'b', free: 3 }], rule, NOW + 30), {
      ok: true,
    })
    // After the delay one more passes, and the next waits twice as long, at most 4 s.
    assert.deepEqual(await store.reserveAttempt(counters.slice(0, 1), rule, NOW + 1010), {
      ok: true,
    })
    assert.deepEqual(await store.reserveAttempt(counters.slice(0, 1), rule, NOW + 1010), {
      ok: false,
      counter: 0,
      retryMs: 2000,
    })
    for (const at of [NOW + 3010, NOW + 7010]) {
      assert.deepEqual(await store.reserveAttempt(counters.slice(0, 1), rule, at), { ok: true })
    }
    assert.deepEqual(await store.reserveAttempt(counters.slice(0, 1), rule, NOW + 7010), {
      ok: false,
      counter: 0,
      retryMs: 4000,
    })
    // Released attempts give room back; cleared counters start afresh.
    await store.releaseAttempt(['a', 'a', 'a', 'a'])
    assert.deepEqual(await store.reserveAttempt(counters.slice(0, 1), rule, NOW + 7010), {
      ok: true,
    })
    await store.clearAttempts(['a'])
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await store.reserveAttempt(counters.slice(0, 1), rule, NOW + 7020), {
        ok: true,
      })
    }
  })
}

contract('MemorySessionStore', () => Promise.resolve(new MemorySessionStore()))

void test('MemorySessionStore keeps at most maxSessions, dropping the oldest', async () => {
  const store = new MemorySessionStore({ maxSessions: 2 })
  for (const id of ['a', 'b', 'c']) await store.create(session(id), keys(id), NOW)
  assert.equal(store.findByHandle('handle-a'), undefined)
  assert.equal(store.findSession('a'), undefined)
  assert.deepEqual(store.findByHandle('handle-c'), session('c'))
})

void describe('RedisSessionStore', { skip: needs('redis-server') }, () => {
  async function redisStore(t: TestContext, url: string, prefix: string): Promise<SessionStore> {
    const store = new RedisSessionStore({ url, prefix })
    t.after(() => store.close())
    assert.equal(await store.ready(10_000), true)
    return store
  }
  let count = 0
  contract('RedisSessionStore', async (t) => {
    const redis = await startRedis(t)
    return redisStore(t, redis.url, `test${count++}:`)
  })

  void test('a revocation on one store reaches another through pub/sub', async (t) => {
    const redis = await startRedis(t)
    const [one, two] = [await redisStore(t, redis.url, 'x:'), await redisStore(t, redis.url, 'x:')]
    const other = await redisStore(t, redis.url, 'y:')
    await one.revoke('s9', Date.now() + 60_000, Date.now())
    const deadline = Date.now() + 5000
    while (!two?.isRevoked('s9') && Date.now() < deadline) await sleep(5)
    assert.equal(two?.isRevoked('s9'), true)
    // Another prefix is another app.
    assert.equal(other.isRevoked('s9'), false)
    // A store that starts later loads what was revoked before.
    const late = await redisStore(t, redis.url, 'x:')
    assert.equal(late.isRevoked('s9'), true)
  })
})
