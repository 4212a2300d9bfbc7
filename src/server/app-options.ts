import type { TracerProvider } from '@opentelemetry/api'
import type { DestinationStream } from 'pino'
import type { SessionStore } from '../auth/session-store.ts'
import type { Clock } from '../auth/tokens.ts'
import type { ServerLimits } from './limits.ts'
import type { CorsOptions, SecurityHeaderOptions } from './security.ts'
import type { TrustProxy } from './trust-proxy.ts'

/** How the server is run, as opposed to what the app is. */
export interface AppOptions {
  /** `false` for silence; else a pino level (default `DARA_LOG_LEVEL` or `info`) and a destination (default stdout). */
  readonly logger?: false | { readonly level?: string; readonly stream?: DestinationStream }
  /**
   * The token signing secret; default `DARA_JWT_SECRET`. Without either, production
   * (`NODE_ENV=production`) refuses to start, and development keeps a generated one
   * in `secretFile`.
   */
  readonly secret?: string
  /**
   * A span per request: `true` with the global OpenTelemetry tracer provider, or
   * the provider to use; default `true` when OTEL_* variables name an exporter.
   */
  readonly tracing?: boolean | TracerProvider
  /** Where the built UI is (default: the package's `dist/ui`); read only when the app has pages. */
  readonly uiDir?: string
  /**
   * Where `dara build` put the app's own components (`static ui`); default
   * `DARA_COMPONENTS_DIR`, else `.dara/ui`. Read only when the app has such components.
   */
  readonly componentsDir?: string
  /** Where development keeps its generated secret (default `.dara/secret`). */
  readonly secretFile?: string
  /** Where sessions live; wins over `config.setSessionStore()` and `DARA_REDIS_URL`. */
  readonly sessionStore?: SessionStore
  /**
   * With the default memory store, a file that keeps sessions across restarts;
   * default `DARA_SESSION_FILE`. Without one, a restart logs everyone out.
   */
  readonly sessionFile?: string
  /** Milliseconds since the epoch, for tokens and sessions; tests pass their own. */
  readonly clock?: Clock
  /**
   * Trust `X-Forwarded-*` from the proxies in front (Fastify's `trustProxy`): the
   * client address for login limits, and https for the cookie and HSTS. The
   * number of proxies (`1` for one) or their addresses and CIDRs; `true` trusts
   * every hop, so the client's own X-Forwarded-For entry wins (a warning at start
   * on a non-loopback address). Default `DARA_TRUST_PROXY`, same forms.
   */
  readonly trustProxy?: TrustProxy
  /**
   * Origins (`https://app.example`) besides the app's own whose cookie requests
   * pass the CSRF check; default `DARA_TRUSTED_ORIGINS` (comma-separated). The
   * `cors` origins allowed with credentials pass too.
   */
  readonly trustedOrigins?: readonly string[]
  /** What a request and a client may cost: body and header size, timeouts, connections. See {@link ServerLimits}. */
  readonly limits?: ServerLimits
  /** Origins allowed to call the API from a browser; default `DARA_CORS_ORIGINS`, else none (CORS off). */
  readonly cors?: CorsOptions
  /** The security headers of UI pages (API answers always get theirs). */
  readonly securityHeaders?: SecurityHeaderOptions
  /**
   * Query keys whose values the request log and spans may show (`page`, `sort`);
   * every other value is written `[REDACTED]`. Default `DARA_SAFE_QUERY_KEYS`
   * (comma-separated), else none.
   */
  readonly safeQueryKeys?: readonly string[]
  /**
   * Milliseconds that `close()` keeps serving with `/api/core/ready` at 503
   * before it stops listening, so that a load balancer's health check sees the
   * process leave before its connections are refused. Default
   * `DARA_SHUTDOWN_DELAY_MS`, else 0; behind a balancer, at least its checks'
   * `fall × inter`. See docs/deploy.md.
   */
  readonly shutdownDelay?: number
}
