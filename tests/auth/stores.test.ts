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

  void test(`${name}: failed logins counted per key within a window`, async (t) => {
    const store = await make(t)
    assert.deepEqual(await store.failures(['a', 'b'], NOW), [
      { count: 0, resetAt: 0 },
      { count: 0, resetAt: 0 },
    ])
    await store.recordFailure(['a', 'b'], 60_000, NOW)
    await store.recordFailure(['a'], 60_000, NOW)
    const [a, b] = await store.failures(['a', 'b'], NOW)
    assert.equal(a?.count, 2)
    assert.equal(b?.count, 1)
    assert.ok(a && a.resetAt > NOW && a.resetAt <= NOW + 60_000)
    await store.clearFailures('a')
    assert.deepEqual((await store.failures(['a'], NOW))[0], { count: 0, resetAt: 0 })
  })
}

contract('MemorySessionStore', () => Promise.resolve(new MemorySessionStore()))

void test('MemorySessionStore keeps at most maxSessions, dropping the oldest', async () => {
  const store = new MemorySessionStore({ maxSessions: 2 })
  for (const id of ['a', 'b', 'c']) await store.create(session(id), keys(id), NOW)
  assert.equal(store.findByHandle('handle-a'), undefined)
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
