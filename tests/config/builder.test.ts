// ConfigurationBuilder: endpoints, components, middleware, startup and
// shutdown, and the TypeErrors its methods throw on wrong arguments.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { ConfigurationBuilder } from 'dara-ts'
import { DefaultAuthConfig } from 'dara-ts/auth'
import { ComponentInstance, EndpointConfiguration } from 'dara-ts/definitions'
import { get, post } from 'dara-ts/http'
import { buildApp, buildLoggedApp, call, callGet, LEVEL } from '../helpers/app.ts'

void test('addEndpoint returns the route, and adding it again mounts it once', async (t) => {
  const route = get('/once', () => 'once')
  const config = new ConfigurationBuilder()
  assert.equal(config.addEndpoint(route), route)
  assert.equal(config.addEndpoint(route), route)
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/once')
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, '"once"')
  assert.equal(app.routePlans.filter((plan) => plan.path === '/api/once').length, 1)
})

void test('addComponent mounts static requiredRoutes and returns the class', async (t) => {
  const vote = post('/poll/vote', () => ({ ok: true }))
  const results = get('/poll/results', () => ({ yes: 1 }))
  class Poll extends ComponentInstance {
    static override requiredRoutes = [vote, results]
  }
  const config = new ConfigurationBuilder()
  assert.equal(config.addComponent(Poll), Poll)
  const app = buildApp(t, config)

  const voted = await call(app, { method: 'POST', url: '/api/poll/vote' })
  assert.equal(voted.statusCode, 200)
  assert.deepEqual(voted.json(), { ok: true })
  assert.deepEqual((await callGet(app, '/api/poll/results')).json(), { yes: 1 })
})

void test('a route reached through several components and addEndpoint is mounted once', async (t) => {
  let calls = 0
  const upload = post('/upload', () => ++calls)
  class UploadDropzone extends ComponentInstance {
    static override requiredRoutes = [upload]
  }
  class ImageUploader extends ComponentInstance {
    static override requiredRoutes = [upload]
  }
  class Plain extends ComponentInstance {}
  const config = new ConfigurationBuilder()
  config.addComponent(UploadDropzone)
  config.addEndpoint(upload)
  config.addComponent(ImageUploader)
  config.addComponent(UploadDropzone)
  config.addComponent(Plain)
  const app = buildApp(t, config)

  const res = await call(app, { method: 'POST', url: '/api/upload' })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json(), 1)
  assert.equal(calls, 1, 'one handler ran, once')
  assert.equal(app.routePlans.filter((plan) => plan.path === '/api/upload').length, 1)
})

void test('addMiddleware with a Fastify plugin: its hooks reach every route, and it is returned', async (t) => {
  const plugin = async (fastify: FastifyInstance) => {
    fastify.addHook('onSend', async (_request, reply, payload) => {
      reply.header('x-plugin', 'on')
      return payload
    })
    // A plugin may await its own setup before the app serves.
    await new Promise((resolve) => setImmediate(resolve))
    fastify.decorateRequest('startedBy', 'plugin')
  }
  const config = new ConfigurationBuilder()
  assert.equal(config.addMiddleware(plugin), plugin)
  config.addEndpoint(
    get('/decorated', ({ request }) => (request as unknown as { startedBy: string }).startedBy),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/decorated')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['x-plugin'], 'on')
  assert.equal(res.body, '"plugin"')
  // Also on dara-ts's own answers: a 401 and a 404.
  const refused = await app.inject({ method: 'GET', url: '/api/decorated' })
  assert.equal(refused.statusCode, 401)
  assert.equal(refused.headers['x-plugin'], 'on')
  const missing = await app.inject({ method: 'GET', url: '/api/missing' })
  assert.equal(missing.statusCode, 404)
  assert.equal(missing.headers['x-plugin'], 'on')
})

void test('addMiddleware with a callback-style plugin', async (t) => {
  const config = new ConfigurationBuilder()
  config.addMiddleware((fastify, _options, done) => {
    fastify.addHook('onRequest', (_request, reply, next) => {
      void reply.header('x-callback-plugin', 'yes')
      next()
    })
    done()
  })
  config.addEndpoint(get('/cb', () => 'ok'))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/cb')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['x-callback-plugin'], 'yes')
})

void test('addMiddleware with { onRequest, onSend } hooks adds them to every route', async (t) => {
  const seen: string[] = []
  const config = new ConfigurationBuilder()
  const hooks = config.addMiddleware({
    onRequest: (request, _reply, done) => {
      seen.push(`${request.method} ${request.url}`)
      done()
    },
    onSend: async (_request, reply, payload) => {
      reply.header('x-request-count', String(seen.length))
      return payload
    },
  })
  assert.deepEqual(Object.keys(hooks), ['onRequest', 'onSend'])
  config.addEndpoint(get('/hooked', { authenticated: false }, () => 'hooked'))
  const app = buildApp(t, config)

  const first = await app.inject({ method: 'GET', url: '/api/hooked' })
  assert.equal(first.statusCode, 200)
  assert.equal(first.headers['x-request-count'], '1')
  assert.equal(first.body, '"hooked"')
  const second = await app.inject({ method: 'GET', url: '/api/hooked?again=1' })
  assert.equal(second.headers['x-request-count'], '2')
  assert.deepEqual(seen, ['GET /api/hooked', 'GET /api/hooked?again=1'])
})

void test('middleware runs in the order added, before auth and the route', async (t) => {
  const events: string[] = []
  let handlerRan = false
  const config = new ConfigurationBuilder()
  config.addMiddleware({
    onRequest: (_request, _reply, done) => {
      events.push('first')
      done()
    },
  })
  config.addMiddleware((fastify: FastifyInstance, _options, done) => {
    fastify.addHook('onRequest', async (request, reply) => {
      events.push('second')
      if (request.headers['x-maintenance'] === 'on') {
        return reply.code(503).send({ detail: 'Down for maintenance' })
      }
      return undefined
    })
    done()
  })
  config.addEndpoint(
    get('/private', () => {
      handlerRan = true
      return 'private'
    }),
  )
  const app = buildApp(t, config)

  // No token: the middleware answers before auth would refuse with 401.
  const res = await app.inject({
    method: 'GET',
    url: '/api/private',
    headers: { 'x-maintenance': 'on' },
  })
  assert.equal(res.statusCode, 503)
  assert.deepEqual(res.json(), { detail: 'Down for maintenance' })
  assert.deepEqual(events, ['first', 'second'])
  assert.equal(handlerRan, false)
})

void test('onStartup runs before the first request is served, once', async (t) => {
  const events: string[] = []
  const config = new ConfigurationBuilder()
  const start = async () => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    events.push('started')
  }
  assert.equal(config.onStartup(start), start)
  config.onStartup(() => {
    events.push('second started')
  })
  config.addEndpoint(
    get('/state', () => {
      events.push('request')
      return [...events]
    }),
  )
  const app = buildApp(t, config)

  // Two requests at once: either may be served first, but both after every startup.
  const answers = await Promise.all([callGet(app, '/api/state'), callGet(app, '/api/state')])
  assert.deepEqual(
    answers.map((res) => res.statusCode),
    [200, 200],
  )
  assert.deepEqual(
    answers.map((res) => res.json<string[]>()).sort((x, y) => x.length - y.length),
    [
      ['started', 'second started', 'request'],
      ['started', 'second started', 'request', 'request'],
    ],
  )
  assert.deepEqual(events, ['started', 'second started', 'request', 'request'])
})

void test('the functions onStartup returns run on close, last started first', async (t) => {
  const events: string[] = []
  const config = new ConfigurationBuilder()
  config.onStartup(() => {
    events.push('start db')
    return async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      events.push('stop db')
    }
  })
  config.onStartup(() => {
    events.push('start nothing to stop')
    return 'not a function'
  })
  config.onStartup(async () => {
    await new Promise((resolve) => setImmediate(resolve))
    events.push('start cache')
    return () => {
      events.push('stop cache')
    }
  })
  const app = buildApp(t, config)

  await app.ready()
  assert.deepEqual(events, ['start db', 'start nothing to stop', 'start cache'])
  await app.close()
  assert.deepEqual(events, [
    'start db',
    'start nothing to stop',
    'start cache',
    'stop cache',
    'stop db',
  ])
})

void test('a failing shutdown function is logged and the others still run', async (t) => {
  const events: string[] = []
  const config = new ConfigurationBuilder()
  config.onStartup(() => () => {
    events.push('first stopped')
  })
  config.onStartup(() => () => {
    throw new Error('queue would not drain')
  })
  const { app, logs } = buildLoggedApp(t, config)

  await app.ready()
  await app.close()
  assert.deepEqual(events, ['first stopped'])
  const failures = logs.filter((line) => line.msg === 'A shutdown function failed')
  assert.deepEqual(
    failures.map((line) => [line.level, line.err?.message]),
    [[LEVEL.error, 'queue would not drain']],
  )
})

void test('a failing onStartup stops the start, and what had started is stopped on close', async (t) => {
  const events: string[] = []
  const config = new ConfigurationBuilder()
  config.onStartup(() => {
    events.push('start db')
    return () => {
      events.push('stop db')
    }
  })
  config.onStartup(async () => {
    await Promise.resolve()
    throw new Error('cannot reach the cache')
  })
  config.onStartup(() => {
    events.push('never started')
  })
  const app = buildApp(t, config)

  await assert.rejects(
    async () => {
      await app.ready()
    },
    { message: 'cannot reach the cache' },
  )
  await app.close()
  assert.deepEqual(events, ['start db', 'stop db'])
})

void test('addAuth returns the auth config it was given', () => {
  const config = new ConfigurationBuilder()
  const auth = new DefaultAuthConfig()
  assert.equal(config.addAuth(auth), auth)
})

void test('wrong arguments to each builder method throw a TypeError that says what to pass', () => {
  const config = new ConfigurationBuilder()
  const route = get('/x', () => 1)

  for (const bad of [{ method: 'GET', url: '/x', handler: () => 1 }, () => 1, '/x', undefined]) {
    assert.throws(() => config.addEndpoint(bad as never), {
      name: 'TypeError',
      message:
        'config.addEndpoint(route): pass what get(), post(), put(), patch() or del() returned',
    })
  }

  class Greetings extends EndpointConfiguration<Greetings> {
    declare country: string
  }
  for (const bad of [Greetings, { country: 'USA' }, null]) {
    assert.throws(() => config.addConfiguration(bad as never), {
      name: 'TypeError',
      message:
        'config.addConfiguration(instance): pass an instance of an EndpointConfiguration subclass',
    })
  }

  class Widget extends ComponentInstance {
    static override requiredRoutes = [route]
  }
  for (const bad of [new Widget(), class NotAComponent {}, ComponentInstance, 'Widget']) {
    assert.throws(() => config.addComponent(bad as never), {
      name: 'TypeError',
      message: 'config.addComponent(C): pass a class that extends ComponentInstance',
    })
  }
  class Broken extends ComponentInstance {
    static override requiredRoutes = [route, { url: '/not-a-route' } as never]
  }
  assert.throws(() => config.addComponent(Broken), {
    name: 'TypeError',
    message: 'Broken.requiredRoutes holds something that is not a route',
  })

  for (const bad of [DefaultAuthConfig, { authenticate: () => ({}) }, 'basic']) {
    assert.throws(() => config.addAuth(bad as never), {
      name: 'TypeError',
      message: 'config.addAuth(auth): pass an instance of an AuthConfig subclass',
    })
  }

  for (const bad of [undefined, 'start', Promise.resolve()]) {
    assert.throws(() => config.onStartup(bad as never), {
      name: 'TypeError',
      message: 'config.onStartup(fn): pass a function',
    })
  }
  // addMiddleware takes anything here; createApp refuses what is not middleware
  // (DARA_ERR_MIDDLEWARE_INVALID, see start-errors.test.ts).
})
