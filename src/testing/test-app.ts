import { randomBytes } from 'node:crypto'
import type { OutgoingHttpHeaders } from 'node:http'
import type { InjectOptions } from 'fastify'
import { cloneBuilder } from '../config/clone.ts'
import type { ConfigurationBuilder } from '../config/configuration-builder.ts'
import type { EndpointConfiguration } from '../definitions/endpoint-configuration.ts'
import { MemorySessionStore } from '../auth/memory-session-store.ts'
import { createApp, type AppOptions, type DaraApp } from '../server/create-app.ts'
import { withOverrides, type Override } from './overrides.ts'
import { completeUser, type TestUser } from './tokens.ts'

/** What a call answered: status, headers, and the body parsed when it is JSON. */
export interface TestResponse {
  readonly status: number
  readonly headers: OutgoingHttpHeaders
  /** The body as text. */
  readonly text: string
  /** The body parsed as JSON when its content type says JSON, else the text. */
  readonly body: unknown
}

/** One call; `body` that is not a string is sent as JSON. */
export interface TestRequest {
  readonly method: InjectOptions['method']
  /** The url as the route declares it (`/greetings` calls `/api/greetings`), or a full `/api/...` path. */
  readonly url: string
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string>>
}

/** createApp's options; by default silent, with a random secret and a memory session store of its own. */
export interface TestAppOptions extends AppOptions {
  /**
   * Replacements, as FastAPI's `dependency_overrides`: `[Class, instance]` for a
   * configuration, `[dependency, replacement]` for a dependency, wherever routes name it.
   */
  readonly override?: readonly Override[]
}

/** What every view of one testApp() shares: the config, createApp's options, and the apps to close. */
interface Root {
  readonly config: ConfigurationBuilder
  readonly options: AppOptions
  readonly apps: Map<string, DaraApp>
}

type Requestable = Omit<TestRequest, 'method' | 'url'>

/**
 * An app under test, called in process (no socket) through Fastify's inject.
 * Each `asUser()` or `withConfig()` returns a new view and leaves this one as
 * it was; views share their apps, and `close()` on any closes them all.
 */
export class TestApp {
  readonly #root: Root
  readonly #user: TestUser | undefined
  readonly #configs: readonly EndpointConfiguration<never>[]

  /** Use {@link testApp}. */
  constructor(
    root: Root,
    user: TestUser | undefined,
    configs: readonly EndpointConfiguration<never>[],
  ) {
    this.#root = root
    this.#user = user
    this.#configs = configs
  }

  /** Calls as this user, with a token the app accepts (minted, no login). */
  asUser(user: TestUser = {}): TestApp {
    return new TestApp(this.#root, user, this.#configs)
  }

  /** Calls without credentials, as a client that has not logged in. */
  anonymous(): TestApp {
    return new TestApp(this.#root, undefined, this.#configs)
  }

  /** Calls an app whose configuration of each instance's class is that instance. */
  withConfig(...instances: EndpointConfiguration<never>[]): TestApp {
    return new TestApp(this.#root, this.#user, [...this.#configs, ...instances])
  }

  /** The Fastify instance behind this view, built on first use. */
  app(): DaraApp {
    // One app per set of replaced configurations; the key is their identity.
    const key = this.#configs.map((c) => `${c.constructor.name}#${identity(c)}`).join(',')
    let app = this.#root.apps.get(key)
    if (app === undefined) {
      const config =
        this.#configs.length === 0
          ? this.#root.config
          : cloneBuilder(this.#root.config, this.#configs)
      app = createApp(config, {
        logger: false,
        sessionStore: new MemorySessionStore(),
        ...this.#root.options,
      })
      this.#root.apps.set(key, app)
    }
    return app
  }

  /** The Bearer token this view sends, if it calls as a user: minted by the app's own sessions. */
  async token(): Promise<string | undefined> {
    if (this.#user === undefined) return undefined
    return (await this.app().sessions.mint(completeUser(this.#user))).token
  }

  async request(req: TestRequest): Promise<TestResponse> {
    const headers: Record<string, string> = { ...req.headers }
    const token = await this.token()
    if (token !== undefined) headers['authorization'] ??= `Bearer ${token}`
    let payload: string | undefined
    if (typeof req.body === 'string') payload = req.body
    else if (req.body !== undefined) {
      payload = JSON.stringify(req.body)
      headers['content-type'] ??= 'application/json'
    }
    const res = await this.app().inject({
      method: req.method,
      url: apiPath(req.url),
      headers,
      ...(req.query === undefined ? {} : { query: { ...req.query } }),
      ...(payload === undefined ? {} : { payload }),
    })
    const type = res.headers['content-type']
    const isJson = typeof type === 'string' && /[/+]json\b/.test(type) && res.body !== ''
    return {
      status: res.statusCode,
      headers: res.headers,
      text: res.body,
      body: isJson ? JSON.parse(res.body) : res.body,
    }
  }

  get(url: string, options: Requestable = {}): Promise<TestResponse> {
    return this.request({ ...options, method: 'GET', url })
  }

  post(url: string, body?: unknown, options: Requestable = {}): Promise<TestResponse> {
    return this.request({ ...options, method: 'POST', url, body })
  }

  put(url: string, body?: unknown, options: Requestable = {}): Promise<TestResponse> {
    return this.request({ ...options, method: 'PUT', url, body })
  }

  patch(url: string, body?: unknown, options: Requestable = {}): Promise<TestResponse> {
    return this.request({ ...options, method: 'PATCH', url, body })
  }

  delete(url: string, options: Requestable = {}): Promise<TestResponse> {
    return this.request({ ...options, method: 'DELETE', url })
  }

  /** Closes every app the views of this testApp() built. */
  async close(): Promise<void> {
    const apps = [...this.#root.apps.values()]
    this.#root.apps.clear()
    await Promise.all(apps.map((app) => app.close()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

/** Routes are declared relative to /api and called the same way; a full /api path is kept. */
function apiPath(url: string): string {
  if (url === '/api' || url.startsWith('/api/')) return url
  return `/api/${url.replace(/^\/+/, '')}`
}

const ids = new WeakMap<object, number>()
let lastId = 0
function identity(value: object): number {
  let id = ids.get(value)
  if (id === undefined) {
    id = ++lastId
    ids.set(value, id)
  }
  return id
}

/**
 * Builds an app from a configuration for tests, and calls its routes in
 * process as a given user, with given configurations. Close it when the test
 * ends.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { test } from 'node:test'
 * import { testApp } from 'dara-ts/testing'
 * import { config } from './main.ts'
 * import { GreetingsConfiguration } from './greetings.ts'
 *
 * void test('greets from the configured country', async (t) => {
 *   const api = testApp(config)
 *   t.after(() => api.close())
 *   const res = await api
 *     .asUser({ identityName: 'ada' })
 *     .withConfig(new GreetingsConfiguration({ country: 'France' }))
 *     .get('/greetings')
 *   assert.deepEqual([res.status, res.body], [200, 'Hello from France'])
 * })
 *
 * // A dependency replaced in every route that needs it, as FastAPI's dependency_overrides:
 * const fake = testApp(config, { override: [[currentTenant, () => 'test-tenant']] })
 * ```
 */
export function testApp(config: ConfigurationBuilder, options: TestAppOptions = {}): TestApp {
  const { override, ...appOptions } = options
  const secret = appOptions.secret ?? randomBytes(32).toString('base64url')
  const root = override === undefined ? config : withOverrides(config, override)
  return new TestApp(
    { config: root, options: { ...appOptions, secret }, apps: new Map() },
    undefined,
    [],
  )
}
