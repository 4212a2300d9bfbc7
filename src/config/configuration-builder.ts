import { AuthConfig } from '../auth/auth-config.ts'
import type { SessionStore } from '../auth/session-store.ts'
import { isComponentClass, type ComponentClass } from '../definitions/component-instance.ts'
import { EndpointConfiguration } from '../definitions/endpoint-configuration.ts'
import { ApiRoute, type AnyApiRoute } from '../http/api-route.ts'
import { createState, type BuilderState, type Middleware, type StartupFunction } from './state.ts'

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
      if (!this.#state.routes.has(route)) {
        this.#state.routes.set(route, { kind: 'component', component: component.name })
      }
    }
    return component
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
   * here: its owner does. Returns the store.
   */
  setSessionStore<S extends SessionStore>(store: S): S {
    this.#state.sessionStore = store
    return store
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
