import type {
  FastifyPluginAsync,
  FastifyPluginCallback,
  onErrorHookHandler,
  onRequestAbortHookHandler,
  onRequestHookHandler,
  onResponseHookHandler,
  onSendHookHandler,
  onTimeoutHookHandler,
  preHandlerHookHandler,
  preParsingHookHandler,
  preSerializationHookHandler,
  preValidationHookHandler,
} from 'fastify'
import type { AuthConfig } from '../auth/auth-config.ts'
import type { SessionStore } from '../auth/session-store.ts'
import type { ComponentClass } from '../definitions/component-instance.ts'
import type { Page } from '../definitions/page.ts'
import type { AnyApiRoute } from '../http/api-route.ts'
import type { Dependency } from '../http/dependency.ts'

/** Fastify hooks by name, each as Fastify types it. */
export interface MiddlewareHooks {
  readonly onRequest?: onRequestHookHandler
  readonly preParsing?: preParsingHookHandler
  readonly preValidation?: preValidationHookHandler
  readonly preHandler?: preHandlerHookHandler
  readonly preSerialization?: preSerializationHookHandler
  readonly onSend?: onSendHookHandler
  readonly onResponse?: onResponseHookHandler
  readonly onError?: onErrorHookHandler
  readonly onTimeout?: onTimeoutHookHandler
  readonly onRequestAbort?: onRequestAbortHookHandler
}

/** A Fastify plugin, or hooks by name, as `addMiddleware` takes them. */
export type Middleware = FastifyPluginAsync | FastifyPluginCallback | MiddlewareHooks

export const MIDDLEWARE_HOOKS: readonly string[] = [
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
  'onTimeout',
  'onRequestAbort',
]

/** How the app serves its OpenAPI document and docs page; set with `config.docs()`. */
export interface DocsOptions {
  /** Serve `/api/openapi.json` and `/api/docs`; default: unless `NODE_ENV` is `production`. */
  readonly enabled?: boolean
  /** Require a session token for both, as for any authenticated endpoint; default `false`. */
  readonly authenticated?: boolean
  /** The document's `info.title`; default `dara-ts app`. */
  readonly title?: string
  /** The document's `info.version` (your API's version); default `0.0.0`. */
  readonly version?: string
  /** The document's `info.description` (Markdown). */
  readonly description?: string
}

/** What may run at start: its returned function, if any, runs at shutdown. */
export type StartupFunction = () => unknown

/** Where a route came from, for logs and the route table. */
export type RouteOrigin =
  { readonly kind: 'explicit' } | { readonly kind: 'component'; readonly component: string }

/** How `config.enableMetrics()` was called. */
export interface MetricsOptions {
  /** The bearer secret a scraper sends; default `DARA_METRICS_TOKEN`, else a session is required. */
  readonly token?: string
}

/** Everything a builder has been told; read by the server, never by users. */
export interface BuilderState {
  readonly routes: Map<AnyApiRoute, RouteOrigin>
  /** Component classes registered by addComponent or import discovery. */
  readonly components: Set<ComponentClass>
  readonly pages: Page[]
  readonly configurations: Map<object, object>
  readonly middlewares: Middleware[]
  readonly startup: StartupFunction[]
  readonly warnings: string[]
  /** Dependencies replaced by others in every route (the test kit's `override`). */
  readonly dependencyOverrides: Map<Dependency<unknown>, Dependency<unknown>>
  auth: AuthConfig | undefined
  metrics: MetricsOptions | undefined
  docs: DocsOptions
  sessionStore: SessionStore | undefined
  /** The app's name in the UI (`config.setTitle()`). */
  title: string
  /** An absolute path to the UI's icon (`config.setFavicon()`), else dara-ts's own. */
  favicon: string | undefined
}

const states = new WeakMap<object, BuilderState>()

export function createState(owner: object): BuilderState {
  const state: BuilderState = {
    routes: new Map(),
    components: new Set(),
    pages: [],
    configurations: new Map(),
    middlewares: [],
    startup: [],
    warnings: [],
    dependencyOverrides: new Map(),
    auth: undefined,
    metrics: undefined,
    docs: {},
    sessionStore: undefined,
    title: 'dara-ts',
    favicon: undefined,
  }
  states.set(owner, state)
  return state
}

export function builderState(owner: object): BuilderState {
  const state = states.get(owner)
  if (!state) throw new TypeError('createApp(config): config must be a ConfigurationBuilder')
  return state
}
