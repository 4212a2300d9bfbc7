import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AuthConfig } from '../auth/auth-config.ts'
import type { SessionStore } from '../auth/session-store.ts'
import {
  ComponentInstance,
  isComponentClass,
  type ComponentClass,
} from '../definitions/component-instance.ts'
import { isPagePath, pagePath } from '../definitions/page.ts'
import { EndpointConfiguration } from '../definitions/endpoint-configuration.ts'
import { DaraError } from '../errors.ts'
import { sessionStoreArg } from './session-store-arg.ts'
import { ApiRoute, type AnyApiRoute } from '../http/api-route.ts'
import {
  createState,
  type BuilderState,
  type MetricsOptions,
  type DocsOptions,
  type Middleware,
  type StartupFunction,
} from './state.ts'

/** Paths the UI and the server use themselves. */
const RESERVED_PAGE_PATHS: readonly string[] = ['api', 'assets', 'login', 'logout']

/**
 * Everything an app is made of: its endpoints, their configurations, its
 * components, auth and middleware. An app's entry module exports one as
 * `config`; `dara start` and `createApp(config)` turn it into a server. Each
 * builder is its own app: nothing is shared between two of them.
 *
 * @example
 * ```ts
 * import { ConfigurationBuilder } from 'dara-ts'
 * import { get } from 'dara-ts/http'
 *
 * export const config = new ConfigurationBuilder()
 * config.addEndpoint(get('custom/', () => 'Hello World'))
 * ```
 */
export class ConfigurationBuilder {
  readonly #state: BuilderState = createState(this)

  /** Mounts an endpoint; adding the same route again changes nothing. Returns the route. */
  addEndpoint<R extends AnyApiRoute>(route: R): R {
    if (!(route instanceof ApiRoute)) {
      throw new TypeError(
        'config.addEndpoint(route): pass what get(), post(), put(), patch() or del() returned',
      )
    }
    if (!this.#state.routes.has(route)) this.#state.routes.set(route, { kind: 'explicit' })
    return route
  }

  /**
   * Registers the instance injected wherever its class is named in `inject`.
   * A second instance of the same class replaces the first, with a warning.
   * Returns the instance.
   */
  addConfiguration<C extends EndpointConfiguration<never>>(instance: C): C {
    if (!(instance instanceof EndpointConfiguration)) {
      throw new TypeError(
        'config.addConfiguration(instance): pass an instance of an EndpointConfiguration subclass',
      )
    }
    const cls = instance.constructor
    if (this.#state.configurations.has(cls)) {
      this.#state.warnings.push(
        `Endpoint configuration ${cls.name} was added twice; the later instance replaces the earlier one`,
      )
    }
    this.#state.configurations.set(cls, instance)
    return instance
  }

  /** Registers a component class and mounts its `static requiredRoutes`. Returns the class. */
  addComponent<C extends ComponentClass>(component: C): C {
    if (!isComponentClass(component)) {
      throw new TypeError('config.addComponent(C): pass a class that extends ComponentInstance')
    }
    for (const route of component.requiredRoutes) {
      if (!(route instanceof ApiRoute)) {
        throw new TypeError(`${component.name}.requiredRoutes holds something that is not a route`)
      }
    }
    this.#state.components.add(component)
    return component
  }

  /**
   * Adds a page: its name shows in the menu, its path is the name made url-safe
   * (`'Sales Report'` answers at `/sales-report`) unless `options.path` sets it.
   * Pages show in the menu in the order they were added; the first is the home
   * page. Every component used in `content` is registered with its
   * `requiredRoutes` (import discovery). Returns the page's path.
   *
   * @example
   * ```ts
   * import { ConfigurationBuilder } from 'dara-ts'
   * import { Heading, Stack, Text } from 'dara-ts/components'
   *
   * export const config = new ConfigurationBuilder()
   * config.addPage('Home', new Stack([new Heading('Hello'), new Text('Welcome')]))
   * ```
   */
  addPage(
    name: string,
    content: ComponentInstance,
    options: { readonly path?: string } = {},
  ): string {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new DaraError('DARA_ERR_PAGE_INVALID', JSON.stringify(name), 'give the page a name')
    }
    const shown = JSON.stringify(name)
    if (!(content instanceof ComponentInstance)) {
      throw new DaraError(
        'DARA_ERR_PAGE_INVALID',
        shown,
        'its content must be a component instance, such as new Stack([...])',
      )
    }
    const path = options.path ?? pagePath(name)
    if (!isPagePath(path)) {
      throw new DaraError(
        'DARA_ERR_PAGE_INVALID',
        shown,
        `the path "${path}" is not url-safe: use lower-case letters, digits and single dashes, at most 100 characters (pass { path })`,
      )
    }
    if (RESERVED_PAGE_PATHS.includes(path)) {
      throw new DaraError(
        'DARA_ERR_PAGE_INVALID',
        shown,
        `the path "${path}" belongs to dara-ts; pass another one with { path }`,
      )
    }
    const other = this.#state.pages.find((page) => page.path === path)
    if (other)
      throw new DaraError('DARA_ERR_PAGE_DUPLICATE', JSON.stringify(other.name), shown, path)
    this.#state.pages.push({ name, path, content })
    return path
  }

  /**
   * Import discovery for a module: every ComponentInstance subclass it
   * exports, and the class of every component instance it exports, is
   * registered as with addComponent(). `dara start` does this for the app's
   * entry module; call it yourself when you build the app with createApp().
   *
   * @example
   * ```ts
   * import { ConfigurationBuilder } from 'dara-ts'
   * import * as components from './components.ts'
   *
   * export const config = new ConfigurationBuilder()
   * config.discover(components)
   * ```
   */
  discover(module: object): void {
    for (const value of Object.values(module)) {
      if (isComponentClass(value)) this.addComponent(value)
      else if (value instanceof ComponentInstance && isComponentClass(value.constructor))
        this.addComponent(value.constructor)
    }
  }

  /**
   * Names the app: the browser tab's title and the UI's header (default
   * `dara-ts`). A page's tab shows `Page · Title`.
   *
   * @example
   * ```ts
   * config.setTitle('Sales')
   * ```
   */
  setTitle(title: string): void {
    if (typeof title !== 'string' || title.trim() === '' || title.length > 200) {
      throw new TypeError('config.setTitle(title): pass a title of 1 to 200 characters')
    }
    this.#state.title = title
  }

  /**
   * The icon the browser shows for the app's pages: an `.ico`, `.png` or `.svg`
   * file, as a path (from the folder the app starts in) or a file URL. Without
   * it, dara-ts's own icon. Served at `/favicon.ico` and the path index.html names.
   *
   * @example
   * ```ts
   * config.setFavicon(new URL('./logo.svg', import.meta.url))
   * ```
   */
  setFavicon(file: string | URL): void {
    this.#state.favicon = resolve(typeof file === 'string' ? file : fileURLToPath(file))
  }

  /** Sets how users log in; the last call wins. Returns the config. */
  addAuth<A extends AuthConfig>(auth: A): A {
    if (!(auth instanceof AuthConfig)) {
      throw new TypeError('config.addAuth(auth): pass an instance of an AuthConfig subclass')
    }
    this.#state.auth = auth
    return auth
  }

  /**
   * Sets where sessions live, for instance a `RedisSessionStore` shared by
   * several processes. Without it, `DARA_REDIS_URL` chooses Redis, else each
   * process keeps its sessions in memory. The app does not close a store given
   * here: its owner does. A function is a factory, called once, here, with
   * this config (as Dara's `auth_session_backend` takes one); anything that is
   * not a store, or a factory of one, throws DARA_ERR_SESSION_STORE_INVALID.
   * Returns the store.
   *
   * @example
   * ```ts
   * config.setSessionStore(() => new RedisSessionStore({ url: process.env.REDIS_URL ?? '' }))
   * ```
   */
  setSessionStore<S extends SessionStore>(store: S | ((config: this) => S)): S {
    // Sound: sessionStoreArg returns `store` itself or what the factory made, both an S.
    const made = sessionStoreArg(store, this) as S
    this.#state.sessionStore = made
    return made
  }

  /**
   * Adds a Fastify plugin (its hooks apply to every route), or an object of
   * Fastify hooks by name (`{ onRequest, onSend, ... }`). They run in the order
   * they were added, before any route's own work.
   */
  addMiddleware<M extends Middleware>(middleware: M): M {
    this.#state.middlewares.push(middleware)
    return middleware
  }

  /**
   * Serves Prometheus metrics at `GET /api/core/metrics`: requests by method,
   * route and status, their duration, and refused credentials by reason. The
   * route needs `Authorization: Bearer <token>` with `token` (default
   * `DARA_METRICS_TOKEN`); with neither, it needs a session like any endpoint.
   *
   * @example
   * ```ts
   * config.enableMetrics({ token: process.env.METRICS_TOKEN })
   * ```
   */
  enableMetrics(options: MetricsOptions = {}): void {
    if (options.token !== undefined && Buffer.byteLength(options.token) < 16) {
      throw new TypeError('config.enableMetrics({ token }): the token needs at least 16 bytes')
    }
    this.#state.metrics = options
  }

  /**
   * Sets how the app describes its endpoints: the OpenAPI document at
   * `GET /api/openapi.json` and the interactive docs page at `/api/docs`. Both
   * are on unless `NODE_ENV` is `production`; `docs(false)` turns them off,
   * `docs(true)` on; an object also sets `authenticated` and the document's
   * title, version and description. A later call replaces what it sets.
   *
   * @example
   * ```ts
   * config.docs({ enabled: true, authenticated: true, title: 'Shop API', version: '1.4.0' })
   * ```
   */
  docs(options: boolean | DocsOptions): void {
    if (typeof options === 'boolean') options = { enabled: options }
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('config.docs(options): pass true, false or an object of options')
    }
    this.#state.docs = { ...this.#state.docs, ...options }
  }

  /**
   * Runs `fn` once at start, before the first request is served; if it returns
   * a function, that runs at shutdown (last started, first stopped).
   * Returns `fn`, so it can be used as a decorator-like wrapper.
   */
  onStartup<F extends StartupFunction>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('config.onStartup(fn): pass a function')
    this.#state.startup.push(fn)
    return fn
  }
}
