// Every mistake in a configuration stops createApp with a DaraError whose whole
// message is asserted here: a changed message must fail a test.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp, type DaraErrorCode } from 'dara-ts'
import { ComponentInstance, EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, get, post, put, type Injectable } from 'dara-ts/http'
import { buildApp, callGet, SECRET } from '../helpers/app.ts'

/** Asserts that createApp(config) throws the DaraError `code` with exactly `message`. */
function assertStartError(
  config: ConfigurationBuilder,
  code: DaraErrorCode,
  message: string,
  secret = SECRET,
): void {
  assert.throws(() => createApp(config, { logger: false, secret }), {
    name: 'DaraError',
    code,
    status: 500,
    message: `${code}: ${message}`,
  })
}

function configWith(...routes: Parameters<ConfigurationBuilder['addEndpoint']>[0][]) {
  const config = new ConfigurationBuilder()
  for (const route of routes) config.addEndpoint(route)
  return config
}

void test('DARA_ERR_ROUTE_DUPLICATE: two routes on one method and path, {id} and :key alike', () => {
  assertStartError(
    configWith(
      get('/items/{id}', function readItem() {
        return 1
      }),
      get('/items/:key', () => 2),
    ),
    'DARA_ERR_ROUTE_DUPLICATE',
    'GET /api/items/:key is declared twice (url "/items/{id}" with handler readItem and url "/items/:key"). Give one of them another path or method, or register the same route object once.',
  )
  assertStartError(
    configWith(
      post('/a', () => 1),
      post('//a', () => 2),
    ),
    'DARA_ERR_ROUTE_DUPLICATE',
    'POST /api/a is declared twice (url "/a" and url "//a"). Give one of them another path or method, or register the same route object once.',
  )
})

void test('DARA_ERR_ROUTE_DUPLICATE: a component route that collides with an explicit one', () => {
  const upload = post('/upload', function componentUpload() {
    return 'component'
  })
  class Dropzone extends ComponentInstance {
    static override requiredRoutes = [upload]
  }
  const config = configWith(
    post('upload', function myUpload() {
      return 'mine'
    }),
  )
  config.addComponent(Dropzone)
  assertStartError(
    config,
    'DARA_ERR_ROUTE_DUPLICATE',
    'POST /api/upload is declared twice (url "upload" with handler myUpload and url "/upload" with handler componentUpload). Give one of them another path or method, or register the same route object once.',
  )
})

void test('the same path on different methods, or with and without a trailing slash, is no duplicate', async (t) => {
  const config = configWith(
    get('/items', () => 1),
    post('/items', () => 2),
    get('/items/', () => 3),
  )
  const app = buildApp(t, config)
  assert.equal((await callGet(app, '/api/items/')).body, '3')
})

void test('DARA_ERR_ROUTE_RESERVED: /auth/x and /core/x belong to dara-ts', () => {
  assertStartError(
    configWith(get('/auth/x', () => 1)),
    'DARA_ERR_ROUTE_RESERVED',
    'GET /api/auth/x lies under /api/auth/, which belongs to dara-ts. Move the endpoint to another path, for example /api/app-auth/x.',
  )
  assertStartError(
    configWith(put('core/x/{id}', () => 1)),
    'DARA_ERR_ROUTE_RESERVED',
    'PUT /api/core/x/:id lies under /api/core/, which belongs to dara-ts. Move the endpoint to another path, for example /api/app-core/x/:id.',
  )
  assertStartError(
    configWith(post('/auth/session', { authenticated: false }, () => 'my own login')),
    'DARA_ERR_ROUTE_RESERVED',
    'POST /api/auth/session lies under /api/auth/, which belongs to dara-ts. Move the endpoint to another path, for example /api/app-auth/session.',
  )
  assertStartError(
    configWith(get('//core', () => 1)),
    'DARA_ERR_ROUTE_RESERVED',
    'GET /api/core lies under /api/core/, which belongs to dara-ts. Move the endpoint to another path, for example /api/app-core.',
  )
})

void test('paths that only start like a reserved one are allowed', async (t) => {
  const config = configWith(
    get('/authors', () => 1),
    get('/cores/x', () => 2),
    get('/app/auth/x', () => 3),
  )
  const app = buildApp(t, config)
  assert.equal((await callGet(app, '/api/authors')).body, '1')
  assert.equal((await callGet(app, '/api/app/auth/x')).body, '3')
})

void test('DARA_ERR_ROUTE_RESERVED: a wildcard that reaches into /api/auth/ or /api/core/', () => {
  // get('auth*') mounts /api/auth*, which answers GET /api/auth/anything that
  // dara-ts does not serve itself: a user route there, silently.
  for (const [url, path] of [
    ['auth*', '/api/auth*'],
    ['/core*', '/api/core*'],
  ] as const) {
    assert.throws(
      () => createApp(configWith(get(url, () => 'mine')), { logger: false, secret: SECRET }),
      {
        name: 'DaraError',
        code: 'DARA_ERR_ROUTE_RESERVED',
        message: new RegExp(
          `^DARA_ERR_ROUTE_RESERVED: GET ${path.replace('*', '\\*')} lies under /api/(auth|core)/, which belongs to dara-ts\\.`,
        ),
      },
      url,
    )
  }
})

void test('DARA_ERR_ROUTE_INVALID: a url with ?, # or white space', () => {
  for (const url of ['/a?b=1', '/a#top', '/a b', '/a\tb']) {
    assertStartError(
      configWith(get(url, () => 1)),
      'DARA_ERR_ROUTE_INVALID',
      `GET ${url}: the url "${url}" may not hold "?", "#" or white space`,
    )
  }
})

void test('DARA_ERR_ROUTE_INVALID: a malformed or repeated parameter', () => {
  for (const url of [
    '/items/{id',
    '/items/x{id}',
    '/items/{id}.json',
    '/items/:id-:rev',
    '/items/{}',
  ]) {
    assertStartError(
      configWith(get(url, () => 1)),
      'DARA_ERR_ROUTE_INVALID',
      `GET ${url}: the url "${url}" has a malformed parameter: write a whole segment as {name} or :name`,
    )
  }
  assertStartError(
    configWith(get('/a/{id}/b/:id', () => 1)),
    'DARA_ERR_ROUTE_INVALID',
    'GET /a/{id}/b/:id: the url "/a/{id}/b/:id" names a parameter twice',
  )
})

void test('DARA_ERR_ROUTE_INVALID: something in dependencies that is not a function', () => {
  for (const bad of [42, 'check', null, { run: () => 1 }]) {
    assertStartError(
      configWith(get('/deps', { dependencies: [bad as never] }, () => 1)),
      'DARA_ERR_ROUTE_INVALID',
      'GET /deps: every entry of `dependencies` must be a function',
    )
  }
})

void test('DARA_ERR_INJECT_RESERVED: every name the context uses itself', () => {
  const purposes = {
    params: 'path parameters',
    query: 'the query string',
    body: 'the request body',
    headers: 'request headers',
    request: 'the Fastify request',
    reply: 'the Fastify reply',
    onCleanup: 'cleanup registration',
  }
  const value = dependency(() => 1)
  for (const [key, purpose] of Object.entries(purposes)) {
    assertStartError(
      configWith(post('/inject', { inject: { [key]: value } }, () => 1)),
      'DARA_ERR_INJECT_RESERVED',
      `POST /inject injects a value named "${key}", which the handler context already uses for ${purpose}. Rename the key in \`inject\`.`,
    )
  }
})

void test('DARA_ERR_INJECT_RESERVED: in a dependency, naming the dependency', () => {
  const session = dependency({ name: 'session', inject: { body: dependency(() => 1) } }, () => 1)
  assertStartError(
    configWith(get('/who', { dependencies: [session] }, () => 1)),
    'DARA_ERR_INJECT_RESERVED',
    'GET /who (dependency session) injects a value named "body", which the handler context already uses for the request body. Rename the key in `inject`.',
  )
})

void test('DARA_ERR_INJECT_INVALID: a plain function, an instance or a value in inject', () => {
  class Settings extends EndpointConfiguration<Settings> {
    declare value: string
  }
  for (const bad of [
    () => 1,
    new Settings({ value: 'x' }),
    'Settings',
    class NotAConfiguration {},
  ]) {
    assertStartError(
      configWith(get('/inject', { inject: { settings: bad as never } }, () => 1)),
      'DARA_ERR_INJECT_INVALID',
      'GET /inject injects "settings", which is neither an EndpointConfiguration subclass nor a dependency made with dependency(). Pass the class itself, or wrap the function in dependency().',
    )
  }
})

void test('DARA_ERR_CONFIG_MISSING: a configuration with no instance and no default()', () => {
  class FilesConfiguration extends EndpointConfiguration<FilesConfiguration> {
    declare root: string
  }
  assertStartError(
    configWith(get('/files', { inject: { files: FilesConfiguration } }, ({ files }) => files.root)),
    'DARA_ERR_CONFIG_MISSING',
    'GET /files needs configuration FilesConfiguration, but none was added and FilesConfiguration has no static default(). Add one with config.addConfiguration(new FilesConfiguration({ ... })), or give the class a static default().',
  )
  const root = dependency(
    { name: 'root', inject: { files: FilesConfiguration } },
    ({ files }) => files.root,
  )
  assertStartError(
    configWith(get('/files', { inject: { root } }, ({ root }) => root)),
    'DARA_ERR_CONFIG_MISSING',
    'GET /files (dependency root) needs configuration FilesConfiguration, but none was added and FilesConfiguration has no static default(). Add one with config.addConfiguration(new FilesConfiguration({ ... })), or give the class a static default().',
  )
})

void test('DARA_ERR_CONFIG_AMBIGUOUS: several subclass instances and none of the class itself', () => {
  class StorageConfiguration extends EndpointConfiguration<{ root: string }> {
    declare root: string
  }
  class LocalStorage extends StorageConfiguration {}
  class S3Storage extends StorageConfiguration {}
  const config = configWith(get('/storage', { inject: { storage: StorageConfiguration } }, () => 1))
  config.addConfiguration(new LocalStorage({ root: '/tmp' }))
  config.addConfiguration(new S3Storage({ root: 's3://bucket' }))
  assertStartError(
    config,
    'DARA_ERR_CONFIG_AMBIGUOUS',
    'GET /storage needs configuration StorageConfiguration, and 2 registered instances are subclasses of it (LocalStorage, S3Storage). Register an instance of StorageConfiguration itself to choose.',
  )
})

void test('DARA_ERR_DEPENDENCY_CYCLE: a dependency that needs itself, directly or not', () => {
  const aNeeds: Record<string, Injectable> = {}
  const a = dependency({ name: 'a', inject: aNeeds }, () => 1)
  const b = dependency({ name: 'b', inject: { a } }, () => 2)
  const c = dependency({ name: 'c', inject: { b } }, () => 3)
  aNeeds['c'] = c
  assertStartError(
    configWith(get('/cycle', { dependencies: [a] }, () => 1)),
    'DARA_ERR_DEPENDENCY_CYCLE',
    'Dependencies form a cycle: a -> c -> b -> a. A dependency cannot need itself, directly or not.',
  )

  const selfNeeds: Record<string, Injectable> = {}
  const self = dependency({ name: 'self', inject: selfNeeds }, () => 1)
  selfNeeds['me'] = self
  assertStartError(
    configWith(get('/self', { inject: { self } }, () => 1)),
    'DARA_ERR_DEPENDENCY_CYCLE',
    'Dependencies form a cycle: self -> self. A dependency cannot need itself, directly or not.',
  )
})

void test('DARA_ERR_MIDDLEWARE_INVALID: neither a plugin nor an object of known hooks', () => {
  const cases: readonly (readonly [unknown, string])[] = [
    [42, 'number'],
    ['cors', 'string'],
    [undefined, 'undefined'],
    [
      { onRequest: () => undefined, onFoo: () => undefined, preBar: 1 },
      'an object with onFoo, preBar',
    ],
  ]
  for (const [middleware, given] of cases) {
    const config = new ConfigurationBuilder()
    config.addMiddleware(middleware as never)
    assertStartError(
      config,
      'DARA_ERR_MIDDLEWARE_INVALID',
      `config.addMiddleware() was given ${given}. Pass a Fastify plugin function, or an object of Fastify hooks such as { onRequest, onSend }.`,
    )
  }
})

void test('DARA_ERR_MIDDLEWARE_INVALID: null is named null, not object', () => {
  const config = new ConfigurationBuilder()
  config.addMiddleware(null as never)
  assertStartError(
    config,
    'DARA_ERR_MIDDLEWARE_INVALID',
    'config.addMiddleware() was given null. Pass a Fastify plugin function, or an object of Fastify hooks such as { onRequest, onSend }.',
  )
})

void test('DARA_ERR_AUTH_SECRET_WEAK: a secret under 32 bytes, counted in bytes', async () => {
  const fix =
    "it needs at least 32. Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\""
  for (const [secret, bytes] of [
    ['short', 5],
    ['', 0],
    ['x'.repeat(31), 31],
    ['é'.repeat(15), 30],
  ] as const) {
    assertStartError(
      new ConfigurationBuilder(),
      'DARA_ERR_AUTH_SECRET_WEAK',
      `DARA_JWT_SECRET is ${bytes} bytes long; ${fix}`,
      secret,
    )
  }
  const app = createApp(new ConfigurationBuilder(), { logger: false, secret: 'é'.repeat(16) })
  await app.close()
})

void test('DARA_ERR_AUTH_SECRET_WEAK: from the DARA_JWT_SECRET environment variable', () => {
  const saved = process.env['DARA_JWT_SECRET']
  process.env['DARA_JWT_SECRET'] = 'too-short-secret'
  try {
    assert.throws(() => createApp(new ConfigurationBuilder(), { logger: false }), {
      name: 'DaraError',
      code: 'DARA_ERR_AUTH_SECRET_WEAK',
      message:
        "DARA_ERR_AUTH_SECRET_WEAK: DARA_JWT_SECRET is 16 bytes long; it needs at least 32. Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"",
    })
  } finally {
    if (saved === undefined) delete process.env['DARA_JWT_SECRET']
    else process.env['DARA_JWT_SECRET'] = saved
  }
})

void test('createApp refuses something that is not a ConfigurationBuilder', () => {
  assert.throws(() => createApp({} as never, { logger: false, secret: SECRET }), {
    name: 'TypeError',
    message: 'createApp(config): config must be a ConfigurationBuilder',
  })
})
