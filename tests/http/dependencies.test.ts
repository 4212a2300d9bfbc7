// Dependencies: their order, values through `inject`, each once per request,
// short-circuits with HttpError, and cleanup after the response.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { dependency, get, HttpError, post, type DependencyContext } from 'dara-ts/http'
import { buildApp, buildLoggedApp, call, callGet, LEVEL, settle } from '../helpers/app.ts'

void test('dependencies run in the order given, before the handler, for effect only', async (t) => {
  const events: string[] = []
  const first = dependency(() => {
    events.push('first')
    return 'ignored'
  })
  const second = dependency(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5))
    events.push('second')
  })
  const third = dependency(() => {
    events.push('third')
  })
  const injected = dependency(() => {
    events.push('injected')
    return 'value'
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/ordered',
      { inject: { injected }, dependencies: [first, second, third] },
      ({ injected: _injected, ...rest }) => {
        events.push('handler')
        return Object.keys(rest).sort()
      },
    ),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/ordered')
  assert.equal(res.statusCode, 200)
  // `dependencies` first, in order; then what `inject` names; then the handler.
  assert.deepEqual(events, ['first', 'second', 'third', 'injected', 'handler'])
  // Besides what it injects, the handler's context holds the request only.
  assert.deepEqual(res.json(), [
    'background',
    'body',
    'cookies',
    'headers',
    'params',
    'query',
    'reply',
    'request',
  ])
})

void test('values reach the handler by name through inject, async ones awaited', async (t) => {
  const user = dependency(({ headers }) => ({ name: headers['x-user'] ?? 'anonymous' }))
  const quota = dependency(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5))
    return 42
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/me', { inject: { user, quota } }, ({ user, quota }) => ({ name: user.name, quota })),
  )
  const app = buildApp(t, config)

  const res = await call(app, { method: 'GET', url: '/api/me', headers: { 'x-user': 'ada' } })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { name: 'ada', quota: 42 })
})

void test('a dependency sees the validated input', async (t) => {
  const double = dependency(({ params }) => {
    const { id } = params as { id: number }
    return { id, type: typeof id, doubled: id * 2 }
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/items/{id}',
      { params: z.object({ id: z.coerce.number() }), inject: { double } },
      ({ double }) => double,
    ),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/items/21')
  assert.deepEqual(res.json(), { id: 21, type: 'number', doubled: 42 })
})

void test('a dependency that needs another runs once per request, however often it is named', async (t) => {
  const runs = { db: 0, repo: 0 }
  const db = dependency(function db() {
    runs.db++
    return { query: (sql: string) => `rows of ${sql}` }
  })
  const repo = dependency({ inject: { db } }, ({ db }) => {
    runs.repo++
    return { all: () => db.query('users') }
  })
  const audit = dependency(
    { inject: { db, repo } },
    ({ db, repo }) => `${db.query('audit')} + ${repo.all()}`,
  )
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/users',
      { dependencies: [db, repo, db], inject: { repo, db, audit } },
      ({ repo, audit }) => ({ users: repo.all(), audit }),
    ),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/users')
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), {
    users: 'rows of users',
    audit: 'rows of audit + rows of users',
  })
  assert.deepEqual(runs, { db: 1, repo: 1 })

  await callGet(app, '/api/users')
  assert.deepEqual(runs, { db: 2, repo: 2 }, 'a new request runs them again')
})

void test('each request gets its own dependency values', async (t) => {
  let counter = 0
  const requestId = dependency(async () => {
    const id = ++counter
    await new Promise((resolve) => setTimeout(resolve, 10 - id))
    return id
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/id', { inject: { requestId } }, ({ requestId }) => requestId))
  const app = buildApp(t, config)

  const answers = await Promise.all([1, 2, 3].map(() => callGet(app, '/api/id')))
  assert.deepEqual(answers.map((res) => res.json<number>()).sort(), [1, 2, 3])
})

void test('an HttpError in a dependency answers with its status, detail and headers; nothing after it runs', async (t) => {
  const events: string[] = []
  const apiKey = dependency(({ headers }) => {
    events.push('apiKey')
    if (headers['x-api-key'] !== 'good') {
      throw new HttpError(
        403,
        { reason: 'bad key', hint: ['send x-api-key'] },
        { headers: { 'x-reason': 'api-key', 'retry-after': '10' } },
      )
    }
  })
  const later = dependency(() => {
    events.push('later')
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/guarded', { dependencies: [apiKey, later] }, () => {
      events.push('handler')
      return 'in'
    }),
  )
  const app = buildApp(t, config)

  const refused = await call(app, {
    method: 'GET',
    url: '/api/guarded',
    headers: { 'x-api-key': 'bad' },
  })
  assert.equal(refused.statusCode, 403)
  assert.equal(refused.headers['x-reason'], 'api-key')
  assert.equal(refused.headers['retry-after'], '10')
  assert.deepEqual(refused.json(), { detail: { reason: 'bad key', hint: ['send x-api-key'] } })
  assert.deepEqual(events, ['apiKey'])

  events.length = 0
  const allowed = await call(app, {
    method: 'GET',
    url: '/api/guarded',
    headers: { 'x-api-key': 'good' },
  })
  assert.equal(allowed.statusCode, 200)
  assert.deepEqual(events, ['apiKey', 'later', 'handler'])
})

void test('an async dependency that rejects with an HttpError short-circuits the same way', async (t) => {
  let handlerRan = false
  const slowCheck = dependency(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5))
    throw new HttpError(429, 'Too many requests', { headers: { 'retry-after': '1' } })
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/limited', { inject: { slowCheck } }, () => {
      handlerRan = true
      return 'done'
    }),
  )
  const app = buildApp(t, config)

  const res = await call(app, { method: 'POST', url: '/api/limited' })
  assert.equal(res.statusCode, 429)
  assert.equal(res.headers['retry-after'], '1')
  assert.deepEqual(res.json(), { detail: 'Too many requests' })
  assert.equal(handlerRan, false)
})

void test('a dependency that sends the reply itself ends the request there', async (t) => {
  let handlerRan = false
  const redirect = dependency(({ reply }) => {
    void reply.code(302).header('location', '/login').send()
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/old', { dependencies: [redirect] }, () => {
      handlerRan = true
      return 'never'
    }),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/old')
  assert.equal(res.statusCode, 302)
  assert.equal(res.headers['location'], '/login')
  assert.equal(res.body, '')
  assert.equal(handlerRan, false)
})

void test('a plain function in dependencies runs once, and may refuse the request', async (t) => {
  let runs = 0
  function requireJson({ headers }: DependencyContext): void {
    runs++
    if (headers['accept'] !== 'application/json')
      throw new HttpError(406, 'Send Accept: application/json')
  }
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/plain', { dependencies: [requireJson, requireJson] }, () => 'json only'))
  const app = buildApp(t, config)

  const refused = await callGet(app, '/api/plain')
  assert.equal(refused.statusCode, 406)
  assert.deepEqual(refused.json(), { detail: 'Send Accept: application/json' })
  assert.equal(runs, 1)

  const ok = await call(app, {
    method: 'GET',
    url: '/api/plain',
    headers: { accept: 'application/json' },
  })
  assert.equal(ok.statusCode, 200)
  assert.equal(ok.body, '"json only"')
  assert.equal(runs, 2)
})

void test('a dependency that returns a thenable injects the resolved value', async (t) => {
  // The dependency's type is Dependency<Awaited<T>>: a thenable (a query
  // builder, say) must be awaited like a Promise.
  const rows = dependency(() => ({
    then(resolve: (value: number[]) => void) {
      resolve([1, 2, 3])
    },
  }))
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/rows', { inject: { rows } }, ({ rows }) => ({ rows })))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/rows')
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { rows: [1, 2, 3] })
})

void test('cleanup runs after the response has been sent', async (t) => {
  const events: string[] = []
  const conn = dependency(({ onCleanup }) => {
    events.push('open')
    onCleanup(() => {
      events.push('close')
    })
    return { id: 1 }
  })
  const config = new ConfigurationBuilder()
  config.addMiddleware({
    onResponse: (request, _reply, done) => {
      if (request.url === '/api/conn') events.push('response sent')
      done()
    },
  })
  config.addEndpoint(
    get('/conn', { inject: { conn } }, ({ conn }) => {
      events.push('handler')
      return conn
    }),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/conn')
  await settle()
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { id: 1 })
  assert.deepEqual(events, ['open', 'handler', 'response sent', 'close'])
})

void test('cleanup also runs when the handler throws, or a later dependency refuses', async (t) => {
  const events: string[] = []
  const conn = dependency(({ onCleanup }) => {
    onCleanup(() => {
      events.push('close')
    })
  })
  const refuse = dependency(() => {
    throw new HttpError(409, 'Conflict')
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/throws', { dependencies: [conn] }, () => {
      throw new Error('handler failed')
    }),
  )
  config.addEndpoint(get('/refused', { dependencies: [conn, refuse] }, () => 'never'))
  const app = buildApp(t, config)

  const thrown = await callGet(app, '/api/throws')
  await settle()
  assert.equal(thrown.statusCode, 500)
  assert.deepEqual(thrown.json(), { detail: 'Internal Server Error' })
  assert.deepEqual(events, ['close'])

  const refused = await callGet(app, '/api/refused')
  await settle()
  assert.equal(refused.statusCode, 409)
  assert.deepEqual(refused.json(), { detail: 'Conflict' })
  assert.deepEqual(events, ['close', 'close'])
})

void test('cleanups run last registered first, each awaited', async (t) => {
  const events: string[] = []
  const outer = dependency(({ onCleanup }) => {
    onCleanup(() => {
      events.push('outer 1')
    })
    onCleanup(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      events.push('outer 2')
    })
  })
  const inner = dependency({ inject: { outer } }, ({ onCleanup }) => {
    onCleanup(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      events.push('inner')
    })
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/lifo', { dependencies: [inner] }, () => 'ok'))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/lifo')
  assert.equal(res.statusCode, 200)
  // The cleanups run after the answer, each after the one before: wait for the
  // third however busy the machine is, rather than for a fixed time.
  for (const deadline = Date.now() + 5_000; events.length < 3 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  assert.deepEqual(events, ['inner', 'outer 2', 'outer 1'])
})

void test('a failing cleanup is logged, the others still run, and the response is untouched', async (t) => {
  const events: string[] = []
  const resources = dependency(({ onCleanup }) => {
    onCleanup(() => {
      events.push('first registered')
    })
    onCleanup(() => {
      throw new Error('could not release the lock')
    })
    onCleanup(async () => {
      await Promise.resolve()
      throw new Error('async release failed')
    })
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/release', { dependencies: [resources] }, () => ({ done: true })))
  const { app, logs } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/release')
  await settle()
  await settle()
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { done: true })
  assert.deepEqual(events, ['first registered'])
  const failures = logs.filter((line) => line.msg === 'A dependency cleanup failed')
  assert.deepEqual(
    failures.map((line) => [line.level, line.err?.message]),
    [
      [LEVEL.error, 'async release failed'],
      [LEVEL.error, 'could not release the lock'],
    ],
  )
  assert.match(failures[1]?.err?.stack ?? '', /could not release the lock\n\s+at /)
})

void test('onCleanup refuses something that is not a function', async (t) => {
  const bad = dependency(({ onCleanup }) => {
    onCleanup('not a function' as never)
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/bad-cleanup', { dependencies: [bad] }, () => 'never'))
  const { app, logs } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/bad-cleanup')
  assert.equal(res.statusCode, 500)
  assert.deepEqual(res.json(), { detail: 'Internal Server Error' })
  assert.equal(
    logs.find((line) => line.msg === 'Unhandled error')?.err?.message,
    'onCleanup(fn): pass a function',
  )
})
