// USER and SESSION belong to the request being served: right in its handler, its
// dependencies, after any await, in code it calls and in its cleanup; undefined on
// public routes and outside requests; never another request's, however many run.
import assert from 'node:assert/strict'
import { EventEmitter, once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises'
import { ConfigurationBuilder, type DaraApp } from 'dara-ts'
import { SESSION, USER } from 'dara-ts/auth'
import { dependency, get, HttpError } from 'dara-ts/http'
import { NamedAuth, bearer, buildApp, claimsOf, login } from '../helpers/auth.ts'

interface Caller {
  readonly user: string | null
  readonly session: string | null
}

/** What USER and SESSION say here, in a form that compares and serializes. */
function caller(): Caller {
  return { user: USER.get()?.identityId ?? null, session: SESSION.get() ?? null }
}

/** The caller a token stands for. */
function callerOf(token: string): Caller {
  const { sub, sid } = claimsOf(token)
  return { user: sub, session: sid }
}

const NOBODY: Caller = { user: null, session: null }

/** A module-level helper, defined outside any request, that a handler calls. */
async function describeCaller(): Promise<{ sync: Caller; async: Caller }> {
  const sync = caller()
  await sleep(1)
  return { sync, async: caller() }
}

/** Reads USER and SESSION after each kind of asynchronous hop Node has. */
async function afterAwaits(): Promise<Record<string, Caller>> {
  const seen: Record<string, Caller> = { start: caller() }
  await sleep(5)
  seen['setTimeout (promise)'] = caller()
  seen['setTimeout (callback)'] = await new Promise<Caller>((resolve) => {
    setTimeout(() => resolve(caller()), 2)
  })
  await immediate()
  seen['setImmediate (promise)'] = caller()
  seen['setImmediate (callback)'] = await new Promise<Caller>((resolve) => {
    setImmediate(() => resolve(caller()))
  })
  seen['process.nextTick'] = await new Promise<Caller>((resolve) => {
    process.nextTick(() => resolve(caller()))
  })
  seen['queueMicrotask'] = await new Promise<Caller>((resolve) => {
    queueMicrotask(() => resolve(caller()))
  })
  seen['promise chain'] = await Promise.resolve(1)
    .then((n) => n + 1)
    .then(async (n) => {
      await sleep(1)
      return n
    })
    .then(() => caller())
  const [a, b] = await Promise.all([sleep(3).then(caller), immediate().then(caller)])
  seen['Promise.all, first'] = a
  seen['Promise.all, second'] = b
  await readFile(import.meta.filename)
  seen['file I/O'] = caller()
  const emitter = new EventEmitter()
  setTimeout(() => emitter.emit('ready'), 1)
  await once(emitter, 'ready')
  seen['events.once'] = caller()
  async function* ticks() {
    for (let i = 0; i < 3; i++) {
      await sleep(1)
      yield caller()
    }
  }
  for await (const tick of ticks()) seen['async generator'] = tick
  seen['helper, sync'] = (await describeCaller()).sync
  seen['helper, after await'] = (await describeCaller()).async
  return seen
}

/** Waits until `done()` holds, for work that runs after the response is sent. */
async function eventually(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

function namedConfig(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addAuth(new NamedAuth())
  return config
}

const OUTSIDE_AT_LOAD = caller()

void test('inside the handler: USER and SESSION are those of the token', async (t) => {
  const config = namedConfig()
  config.addEndpoint(get('/me', () => ({ user: USER.get(), session: SESSION.get() })))
  const app = buildApp(t, config)
  const token = await login(app, { name: 'ada' })
  const res = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), {
    user: { identityId: 'ada', identityName: 'ada', groups: [] },
    session: claimsOf(token).sid,
  })
})

void test('inside dependencies: plain, injected, nested, before and after an await', async (t) => {
  const seen: Record<string, Caller> = {}
  const plain = async () => {
    seen['plain'] = caller()
    await sleep(2)
    seen['plain, after await'] = caller()
  }
  const inner = dependency(async () => {
    await immediate()
    return caller()
  })
  const outer = dependency({ inject: { inner } }, async ({ inner }) => {
    await sleep(1)
    return { inner, outer: caller() }
  })
  const config = namedConfig()
  config.addEndpoint(
    get('/deps', { dependencies: [plain], inject: { outer } }, ({ outer }) => outer),
  )
  const app = buildApp(t, config)
  const token = await login(app, { name: 'grace' })
  const expected = callerOf(token)
  const res = await app.inject({ method: 'GET', url: '/api/deps', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { inner: expected, outer: expected })
  assert.deepEqual(seen, { plain: expected, 'plain, after await': expected })
})

void test('after awaits of every kind, and in helpers the handler calls', async (t) => {
  const config = namedConfig()
  config.addEndpoint(get('/awaits', () => afterAwaits()))
  const app = buildApp(t, config)
  const token = await login(app, { name: 'linus' })
  const res = await app.inject({ method: 'GET', url: '/api/awaits', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  const seen = res.json<Record<string, Caller>>()
  const expected = callerOf(token)
  assert.equal(Object.keys(seen).length, 15)
  for (const [hop, value] of Object.entries(seen)) assert.deepEqual(value, expected, hop)
})

void test('in onCleanup callbacks, after the response, also when the handler throws', async (t) => {
  const cleaned: { route: string; when: string; caller: Caller }[] = []
  const withCleanup = dependency(({ request, onCleanup }) => {
    const route = request.url
    onCleanup(() => cleaned.push({ route, when: 'sync', caller: caller() }))
    onCleanup(async () => {
      await sleep(2)
      cleaned.push({ route, when: 'after await', caller: caller() })
    })
  })
  const config = namedConfig()
  config.addEndpoint(get('/ok', { inject: { withCleanup } }, () => 'ok'))
  config.addEndpoint(
    get('/fails', { inject: { withCleanup } }, () => {
      throw new HttpError(409, 'Conflict')
    }),
  )
  const app = buildApp(t, config)
  const token = await login(app, { name: 'barbara' })
  const expected = callerOf(token)

  assert.equal((await app.inject({ url: '/api/ok', headers: bearer(token) })).statusCode, 200)
  assert.equal((await app.inject({ url: '/api/fails', headers: bearer(token) })).statusCode, 409)
  await eventually(() => cleaned.length === 4, 'four cleanups')
  const sorted = [...cleaned].sort((a, b) =>
    `${a.route}${a.when}`.localeCompare(`${b.route}${b.when}`),
  )
  assert.deepEqual(sorted, [
    { route: '/api/fails', when: 'after await', caller: expected },
    { route: '/api/fails', when: 'sync', caller: expected },
    { route: '/api/ok', when: 'after await', caller: expected },
    { route: '/api/ok', when: 'sync', caller: expected },
  ])
})

void test('undefined on an authenticated: false route everywhere, even with a valid token', async (t) => {
  const seen: Record<string, Caller> = {}
  const cleaned: Caller[] = []
  const dep = dependency(async ({ onCleanup }) => {
    seen['dependency'] = caller()
    await sleep(1)
    seen['dependency, after await'] = caller()
    onCleanup(async () => {
      await immediate()
      cleaned.push(caller())
    })
  })
  const config = namedConfig()
  config.addEndpoint(
    get('/public', { authenticated: false, inject: { dep } }, async () => ({
      user: USER.get() ?? 'undefined',
      session: SESSION.get() ?? 'undefined',
      hops: await afterAwaits(),
    })),
  )
  const app = buildApp(t, config)
  for (const headers of [{}, bearer(await login(app, { name: 'ada' }))]) {
    const res = await app.inject({ method: 'GET', url: '/api/public', headers })
    assert.equal(res.statusCode, 200)
    const body = res.json<{ user: unknown; session: unknown; hops: Record<string, Caller> }>()
    assert.equal(body.user, 'undefined')
    assert.equal(body.session, 'undefined')
    for (const [hop, value] of Object.entries(body.hops)) assert.deepEqual(value, NOBODY, hop)
  }
  assert.deepEqual(seen, { dependency: NOBODY, 'dependency, after await': NOBODY })
  await eventually(() => cleaned.length === 2, 'two cleanups')
  assert.deepEqual(cleaned, [NOBODY, NOBODY])
})

void test('a public route called in-process from an authenticated handler sees no user', async (t) => {
  const apps: DaraApp[] = []
  const config = namedConfig()
  config.addEndpoint(get('/public', { authenticated: false }, () => caller()))
  config.addEndpoint(
    get('/outer', async () => {
      const [self] = apps
      if (!self) throw new Error('the app is not built yet')
      const inner = await self.inject({ method: 'GET', url: '/api/public' })
      return { outer: caller(), inner: inner.json<Caller>() }
    }),
  )
  const app = buildApp(t, config)
  apps.push(app)
  const token = await login(app, { name: 'ada' })
  const res = await app.inject({ method: 'GET', url: '/api/outer', headers: bearer(token) })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { outer: callerOf(token), inner: NOBODY })
})

void test('undefined outside any request: at load, in tests, at startup, between requests', async (t) => {
  assert.deepEqual(OUTSIDE_AT_LOAD, NOBODY)
  assert.equal(USER.get(), undefined)
  assert.equal(SESSION.get(), undefined)

  let atStartup: Caller | undefined
  const config = namedConfig()
  config.onStartup(() => {
    atStartup = caller()
  })
  config.addEndpoint(get('/me', () => caller()))
  const app = buildApp(t, config)
  await app.ready()
  assert.deepEqual(atStartup, NOBODY)

  const token = await login(app, { name: 'ada' })
  const res = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })
  assert.deepEqual(res.json(), callerOf(token))
  assert.deepEqual(caller(), NOBODY)
  await sleep(1)
  assert.deepEqual(caller(), NOBODY)
  assert.deepEqual(
    await new Promise<Caller>((resolve) => setImmediate(() => resolve(caller()))),
    NOBODY,
  )
})

void test('what one request does to USER.get() is not seen by the next one', async (t) => {
  const config = namedConfig()
  config.addEndpoint(
    get('/meddle', () => {
      const user = USER.get()
      if (!user) throw new HttpError(500, 'no user')
      try {
        Object.assign(user, { identityName: 'meddled', groups: ['admins'] })
      } catch {
        // A frozen user is fine too: the point is that nothing carries over.
      }
      return 'done'
    }),
  )
  config.addEndpoint(get('/me', () => USER.get()))
  const app = buildApp(t, config)
  const token = await login(app, { name: 'ada' })
  const meddled = await app.inject({ method: 'GET', url: '/api/meddle', headers: bearer(token) })
  assert.equal(meddled.statusCode, 200)
  const res = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })
  assert.deepEqual(res.json(), { identityId: 'ada', identityName: 'ada', groups: [] })
})

void test('60 users, 120 concurrent requests with random delays: each sees only its own', async (t) => {
  const cleaned = new Map<string, Caller>()
  const jitter = () => sleep(Math.floor(Math.random() * 15))
  const fromDependency = dependency(async ({ onCleanup, query }) => {
    const before = caller()
    await jitter()
    const id = String((query as { id?: unknown }).id)
    onCleanup(async () => {
      await jitter()
      cleaned.set(id, caller())
    })
    return { before, after: caller() }
  })
  const config = namedConfig()
  config.addEndpoint(
    get('/whoami', { inject: { fromDependency } }, async ({ fromDependency }) => {
      const start = caller()
      await jitter()
      await immediate()
      const helper = await describeCaller()
      await jitter()
      return { ...fromDependency, start, helper, end: caller() }
    }),
  )
  config.addEndpoint(
    get('/public', { authenticated: false }, async () => {
      await jitter()
      return caller()
    }),
  )
  const app = buildApp(t, config)

  const names = Array.from({ length: 60 }, (_, i) => `user-${i}`)
  // Two sessions per user: the same user in two sessions must not mix them up either.
  const tokens = await Promise.all(
    names.flatMap((name) => [login(app, { name }), login(app, { name })]),
  )
  assert.equal(new Set(tokens.map((tk) => claimsOf(tk).sid)).size, 120)

  const authenticated = tokens.map(async (token, i) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/whoami?id=${i}`,
      headers: bearer(token),
    })
    assert.equal(res.statusCode, 200, res.body)
    const expected = callerOf(token)
    assert.deepEqual(
      res.json(),
      {
        before: expected,
        after: expected,
        start: expected,
        helper: { sync: expected, async: expected },
        end: expected,
      },
      `request ${i}`,
    )
  })
  const anonymous = Array.from({ length: 30 }, async () => {
    const res = await app.inject({ method: 'GET', url: '/api/public' })
    assert.deepEqual(res.json(), NOBODY)
  })
  await Promise.all([...authenticated, ...anonymous])

  await eventually(() => cleaned.size === tokens.length, 'every cleanup')
  tokens.forEach((token, i) =>
    assert.deepEqual(cleaned.get(String(i)), callerOf(token), `cleanup ${i}`),
  )
})
