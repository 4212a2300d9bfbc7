// Endpoint configurations: the seed's GreetingsConfiguration, replacement with a
// warning, validation at construction, one registry per app, lookup by class.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder, createApp, DaraError } from 'dara-ts'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, get } from 'dara-ts/http'
import { buildApp, buildLoggedApp, callGet, LEVEL, SECRET } from '../helpers/app.ts'

// The seed's class, as a dara-ts user writes it.
class GreetingsConfiguration extends EndpointConfiguration<GreetingsConfiguration> {
  declare country: string
  static override schema = z.object({ country: z.string() })

  static default() {
    return new GreetingsConfiguration({ country: 'United Kingdom' })
  }
}

const greetingsHandler = get(
  '/greetings',
  { inject: { config: GreetingsConfiguration } },
  ({ config }) => `Hello from ${config.country}`,
)

void test('without a registered instance the class default() is injected', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(greetingsHandler)
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/greetings')
  assert.equal(res.statusCode, 200)
  assert.equal(res.json(), 'Hello from United Kingdom')
})

void test('a registered instance replaces default()', async (t) => {
  const config = new ConfigurationBuilder()
  const usa = new GreetingsConfiguration({ country: 'USA' })
  assert.equal(config.addConfiguration(usa), usa)
  config.addEndpoint(greetingsHandler)
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/greetings')
  assert.equal(res.statusCode, 200)
  assert.equal(res.json(), 'Hello from USA')
})

void test('a configuration is built from its fields, as its schema outputs them', () => {
  const usa = new GreetingsConfiguration({ country: 'USA' })
  assert.ok(usa instanceof GreetingsConfiguration)
  assert.ok(usa instanceof EndpointConfiguration)
  assert.equal(usa.country, 'USA')
  assert.deepEqual({ ...usa }, { country: 'USA' })

  // No type argument: the constructor takes the schema's input (a port as a
  // string), not the fields' output types.
  class ServerConfiguration extends EndpointConfiguration {
    declare port: number
    declare root: string
    static override schema = z.object({
      port: z.coerce.number().int(),
      root: z.string().default('/srv'),
    })
  }
  const server = new ServerConfiguration({ port: '8080' })
  assert.deepEqual({ ...server }, { port: 8080, root: '/srv' })

  class Loose extends EndpointConfiguration<Loose> {
    declare anything: unknown
  }
  assert.deepEqual({ ...new Loose({ anything: [1, 'two'] }) }, { anything: [1, 'two'] })
})

void test('a second addConfiguration of the same class replaces the first, with a warning', async (t) => {
  const config = new ConfigurationBuilder()
  config.addConfiguration(new GreetingsConfiguration({ country: 'France' }))
  config.addConfiguration(new GreetingsConfiguration({ country: 'USA' }))
  config.addEndpoint(greetingsHandler)
  const { app, logs } = buildLoggedApp(t, config)

  const res = await callGet(app, '/api/greetings')
  assert.equal(res.json(), 'Hello from USA')
  const warnings = logs.filter((line) => line.level === LEVEL.warn).map((line) => line.msg)
  assert.deepEqual(warnings, [
    'Endpoint configuration GreetingsConfiguration was added twice; the later instance replaces the earlier one',
  ])
})

void test('an invalid field throws a DaraError naming the class and the field', () => {
  assert.throws(() => new GreetingsConfiguration({ country: 1 } as never), {
    name: 'DaraError',
    code: 'DARA_ERR_CONFIG_INVALID',
    message:
      'DARA_ERR_CONFIG_INVALID: Invalid GreetingsConfiguration: field "country": Invalid input: expected string, received number',
  })
  const error = (() => {
    try {
      new GreetingsConfiguration({} as never)
    } catch (e) {
      return e
    }
    return undefined
  })()
  assert.ok(error instanceof DaraError)
  assert.equal(
    error.message,
    'DARA_ERR_CONFIG_INVALID: Invalid GreetingsConfiguration: field "country": Invalid input: expected string, received undefined',
  )
  assert.equal(
    error.detail,
    'Invalid GreetingsConfiguration: field "country": Invalid input: expected string, received undefined',
  )
})

void test('a field the schema does not declare, or fields that are not an object, are refused', () => {
  assert.throws(() => new GreetingsConfiguration({ country: 'USA', city: 'NYC' } as never), {
    name: 'DaraError',
    message:
      'DARA_ERR_CONFIG_INVALID: Invalid GreetingsConfiguration: field "city" is not declared in the schema',
  })
  for (const [fields, got] of [
    [null, 'null'],
    [['USA'], 'an array'],
    ['USA', 'string'],
    [undefined, 'undefined'],
  ] as const) {
    assert.throws(() => new GreetingsConfiguration(fields as never), {
      name: 'DaraError',
      message: `DARA_ERR_CONFIG_INVALID: Invalid GreetingsConfiguration: expected an object of fields, got ${got}`,
    })
  }
})

void test('a default() that returns something else stops the start', () => {
  class Broken extends EndpointConfiguration<Broken> {
    declare value: string
    static default() {
      return { value: 'not an instance' }
    }
  }
  const config = new ConfigurationBuilder()
  config.addEndpoint(get('/broken', { inject: { broken: Broken } }, ({ broken }) => broken))
  assert.throws(() => createApp(config, { logger: false, secret: SECRET }), {
    name: 'DaraError',
    message:
      'DARA_ERR_CONFIG_INVALID: Invalid Broken: Broken.default() must return an instance of Broken',
  })
})

void test('default() runs once per app, however many routes and dependencies inject the class', async (t) => {
  let calls = 0
  class Counted extends EndpointConfiguration<Counted> {
    declare n: number
    static default() {
      calls++
      return new Counted({ n: calls })
    }
  }
  const fromDependency = dependency({ inject: { counted: Counted } }, ({ counted }) => counted)
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/one',
      { inject: { counted: Counted, viaDep: fromDependency } },
      ({ counted, viaDep }) => ({
        n: counted.n,
        same: counted === viaDep,
      }),
    ),
  )
  config.addEndpoint(
    get('/two', { inject: { counted: Counted } }, ({ counted }) => ({ n: counted.n })),
  )
  const app = buildApp(t, config)

  const one = await callGet(app, '/api/one')
  const two = await callGet(app, '/api/two')
  await callGet(app, '/api/one')
  assert.deepEqual(one.json(), { n: 1, same: true })
  assert.deepEqual(two.json(), { n: 1 })
  assert.equal(calls, 1)
})

void test('a configuration reaches a dependency through its inject', async (t) => {
  const greeting = dependency(
    { inject: { config: GreetingsConfiguration } },
    ({ config }) => `Greetings from ${config.country}`,
  )
  const config = new ConfigurationBuilder()
  config.addConfiguration(new GreetingsConfiguration({ country: 'Japan' }))
  config.addEndpoint(get('/via-dependency', { inject: { greeting } }, ({ greeting }) => greeting))
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/via-dependency')
  assert.equal(res.json(), 'Greetings from Japan')
})

void test('two apps in one process share neither configurations nor routes', async (t) => {
  const usaConfig = new ConfigurationBuilder()
  usaConfig.addConfiguration(new GreetingsConfiguration({ country: 'USA' }))
  usaConfig.addEndpoint(greetingsHandler)
  usaConfig.addEndpoint(get('/only-usa', () => 'usa'))

  const ukConfig = new ConfigurationBuilder()
  ukConfig.addEndpoint(greetingsHandler)

  const usa = buildApp(t, usaConfig)
  const uk = buildApp(t, ukConfig)

  assert.equal((await callGet(usa, '/api/greetings')).json(), 'Hello from USA')
  assert.equal((await callGet(uk, '/api/greetings')).json(), 'Hello from United Kingdom')
  assert.equal((await callGet(usa, '/api/only-usa')).statusCode, 200)
  const missing = await callGet(uk, '/api/only-usa')
  assert.equal(missing.statusCode, 404)
  assert.deepEqual(missing.json(), { detail: 'API endpoint not found: GET /api/only-usa' })

  // A configuration added to one builder after both apps exist reaches neither the other app nor a running one.
  ukConfig.addConfiguration(new GreetingsConfiguration({ country: 'Spain' }))
  assert.equal((await callGet(usa, '/api/greetings')).json(), 'Hello from USA')
})

void test('two classes with the same name never collide', async (t) => {
  function makeSettings(fallback: string) {
    return class Settings extends EndpointConfiguration<{ label: string }> {
      declare label: string
      static default() {
        return new Settings({ label: fallback })
      }
    }
  }
  const First = makeSettings('first default')
  const Second = makeSettings('second default')
  assert.equal(First.name, Second.name)

  const config = new ConfigurationBuilder()
  config.addConfiguration(new First({ label: 'first registered' }))
  config.addEndpoint(get('/first', { inject: { s: First } }, ({ s }) => s.label))
  config.addEndpoint(get('/second', { inject: { s: Second } }, ({ s }) => s.label))
  const { app, logs } = buildLoggedApp(t, config)

  assert.equal((await callGet(app, '/api/first')).json(), 'first registered')
  assert.equal((await callGet(app, '/api/second')).json(), 'second default')

  config.addConfiguration(new Second({ label: 'second registered' }))
  const again = buildApp(t, config)
  assert.equal((await callGet(again, '/api/first')).json(), 'first registered')
  assert.equal((await callGet(again, '/api/second')).json(), 'second registered')
  assert.deepEqual(
    logs.filter((line) => line.level === LEVEL.warn),
    [],
    'no "added twice" warning',
  )
})

void test('a registered instance of a subclass is used for its base class', async (t) => {
  class StorageConfiguration extends EndpointConfiguration<{ root: string }> {
    declare root: string
    static default() {
      return new StorageConfiguration({ root: '/default' })
    }
  }
  class S3Configuration extends StorageConfiguration {
    declare bucket: string
    constructor(fields: { root: string; bucket: string }) {
      super(fields)
    }
  }
  const config = new ConfigurationBuilder()
  config.addConfiguration(new S3Configuration({ root: '/s3', bucket: 'files' }))
  config.addEndpoint(
    get('/storage', { inject: { storage: StorageConfiguration } }, ({ storage }) => ({
      root: storage.root,
      kind: storage.constructor.name,
      bucket: storage instanceof S3Configuration ? storage.bucket : null,
    })),
  )
  const app = buildApp(t, config)

  const res = await callGet(app, '/api/storage')
  assert.deepEqual(res.json(), { root: '/s3', kind: 'S3Configuration', bucket: 'files' })
})

void test('an instance of the class itself wins over a subclass instance', async (t) => {
  class Base extends EndpointConfiguration<{ name: string }> {
    declare name: string
  }
  class Derived extends Base {}
  const config = new ConfigurationBuilder()
  config.addConfiguration(new Derived({ name: 'derived' }))
  config.addConfiguration(new Base({ name: 'base' }))
  config.addEndpoint(get('/base', { inject: { c: Base } }, ({ c }) => c.name))
  config.addEndpoint(get('/derived', { inject: { c: Derived } }, ({ c }) => c.name))
  const app = buildApp(t, config)

  assert.equal((await callGet(app, '/api/base')).json(), 'base')
  assert.equal((await callGet(app, '/api/derived')).json(), 'derived')
})
