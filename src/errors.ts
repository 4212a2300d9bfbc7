/**
 * The one table of framework errors. Code that fails picks a row here; it never
 * invents a message of its own. Every code is documented in docs/errors.md, and a
 * test keeps the two in step.
 */

interface ErrorRow {
  /** HTTP status when the error reaches a client; start-time errors use 500 (503 is a request error). */
  readonly status: number
  /** Message template: `%s` placeholders are filled in order. */
  readonly message: string
}

export const ERRORS = {
  DARA_ERR_ROUTE_DUPLICATE: {
    status: 500,
    message:
      '%s is declared twice (%s and %s). Give one of them another path or method, or register the same route object once.',
  },
  DARA_ERR_ROUTE_RESERVED: {
    status: 500,
    message:
      '%s lies under %s, which belongs to dara-ts. Move the endpoint to another path, for example %s.',
  },
  DARA_ERR_ROUTE_INVALID: {
    status: 500,
    message: '%s: %s',
  },
  DARA_ERR_INJECT_RESERVED: {
    status: 500,
    message:
      '%s injects a value named "%s", which the handler context already uses for %s. Rename the key in `inject`.',
  },
  DARA_ERR_INJECT_INVALID: {
    status: 500,
    message:
      '%s injects "%s", which is neither an EndpointConfiguration subclass nor a dependency made with dependency(). Pass the class itself, or wrap the function in dependency().',
  },
  DARA_ERR_CONFIG_MISSING: {
    status: 500,
    message:
      '%s needs configuration %s, but none was added and %s has no static default(). Add one with config.addConfiguration(new %s({ ... })), or give the class a static default().',
  },
  DARA_ERR_CONFIG_INVALID: {
    status: 500,
    message: 'Invalid %s: %s',
  },
  DARA_ERR_CONFIG_AMBIGUOUS: {
    status: 500,
    message:
      '%s needs configuration %s, and %s registered instances are subclasses of it (%s). Register an instance of %s itself to choose.',
  },
  DARA_ERR_DEPENDENCY_CYCLE: {
    status: 500,
    message: 'Dependencies form a cycle: %s. A dependency cannot need itself, directly or not.',
  },
  DARA_ERR_ENTRY_NOT_FOUND: {
    status: 500,
    message: 'Cannot find the app entry %s. Pass its path: dara start path/to/main.ts',
  },
  DARA_ERR_ENTRY_NO_CONFIG: {
    status: 500,
    message:
      '%s does not export `config`. Add `export const config = new ConfigurationBuilder()` to it.',
  },
  DARA_ERR_SESSION_STORE_INVALID: {
    status: 500,
    message:
      'config.setSessionStore() was given %s. Pass a session store (new RedisSessionStore({ url }), or your own SessionStore), or a function that returns one.',
  },
  DARA_ERR_ENTRY_CONFIG_TYPE: {
    status: 500,
    message:
      '%s exports `config`, but it is %s, not a ConfigurationBuilder. Export the builder itself: `export const config = new ConfigurationBuilder()` (from dara-ts, the copy this app installs).',
  },
  DARA_ERR_MIDDLEWARE_INVALID: {
    status: 500,
    message:
      'config.addMiddleware() was given %s. Pass a Fastify plugin function, or an object of Fastify hooks such as { onRequest, onSend }.',
  },
  DARA_ERR_CLI_USAGE: {
    status: 500,
    message: '%s. Run `dara --help` for usage.',
  },
  DARA_ERR_INIT_EXISTS: {
    status: 500,
    message:
      '%s already holds %s; dara init writes nothing over existing files. Choose a new or empty folder: dara init my-app',
  },
  DARA_ERR_INIT_DIR: {
    status: 500,
    message: 'Cannot create the app in %s: %s. Choose a folder you can write to: dara init my-app',
  },
  DARA_ERR_TRACING_SDK_MISSING: {
    status: 500,
    message:
      '%s asks for traces, but @opentelemetry/sdk-node is not installed. Install it beside dara-ts (npm install @opentelemetry/sdk-node), or unset the OTEL_* variables to run without tracing.',
  },
  DARA_ERR_AUTH_NO_CREDENTIALS: {
    status: 401,
    message:
      'No credentials: send "Authorization: Bearer <token>"; get a token from POST /api/auth/session',
  },
  DARA_ERR_AUTH_SCHEME: {
    status: 401,
    message: 'Wrong authentication scheme "%s": send "Authorization: Bearer <token>"',
  },
  DARA_ERR_AUTH_MALFORMED: {
    status: 401,
    message: 'Malformed token: the Bearer value is not a JSON Web Token',
  },
  DARA_ERR_AUTH_INVALID: {
    status: 401,
    message: 'Invalid token: %s',
  },
  DARA_ERR_AUTH_EXPIRED: {
    status: 401,
    message: 'Token expired: get a new one from POST /api/auth/session',
  },
  DARA_ERR_AUTH_SCOPE: {
    status: 403,
    message:
      "This token is limited to the scopes %s, and %s accepts %s. Use a token with one of its scopes, or list the scope in the route's `scopes`.",
  },
  DARA_ERR_TOKEN_APP_UNREACHABLE: {
    status: 500,
    message:
      'The app keeps its sessions in the memory of its own process (%s), so this command goes through the running app, and nothing answered at %s (%s). Start the app, or give its address with --url (or DARA_URL)',
  },
  DARA_ERR_TOKEN_APP_REFUSED: {
    status: 500,
    message: 'The app at %s refused the request with %s: %s',
  },
  DARA_ERR_AUTH_SECRET_WEAK: {
    status: 500,
    message:
      "DARA_JWT_SECRET is %s bytes long; it needs at least 32. Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"",
  },
  DARA_ERR_MANIFEST_MISSING: {
    status: 500,
    message:
      'No route manifest at %s. Write it with DARA_ACCEPT_ROUTES=1, or `dara routes <entry> --json > %s`, review it and commit it.',
  },
  DARA_ERR_MANIFEST_INVALID: {
    status: 500,
    message: 'The route manifest %s is not a list of routes as `dara routes --json` writes it: %s',
  },
  DARA_ERR_MANIFEST_CHANGED: {
    status: 500,
    message:
      "The app's routes differ from the manifest %s:%s\nIf these changes are meant, accept them: rerun with DARA_ACCEPT_ROUTES=1 (rewrites %s) and commit the file.",
  },
  DARA_ERR_METRICS_TOKEN: {
    status: 401,
    message:
      'Metrics need the metrics token: send "Authorization: Bearer <token>" with the token set by DARA_METRICS_TOKEN or config.enableMetrics({ token })',
  },
  DARA_ERR_AUTH_SECRET_MISSING: {
    status: 500,
    message:
      'DARA_JWT_SECRET is not set and NODE_ENV is "production": every process of the app must sign with one secret you choose. Set DARA_JWT_SECRET to 32 or more random bytes, e.g. from: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64url\'))"',
  },
  DARA_ERR_AUTH_CONFIG_INVALID: {
    status: 500,
    message: 'Invalid %s: %s',
  },
  DARA_ERR_AUTH_REVOKED: {
    status: 401,
    message: 'Session revoked: it was logged out; log in again with POST /api/auth/session',
  },
  DARA_ERR_AUTH_SESSION_UNKNOWN: {
    status: 401,
    message:
      'Unknown session: the session cookie matches no session of this app; log in again with POST /api/auth/session',
  },
  DARA_ERR_AUTH_SESSION_LOST: {
    status: 401,
    message:
      "Unknown session: the session store does not know this token's session (the store was emptied or restarted without its data, or the token was made elsewhere); log in again with POST /api/auth/session",
  },
  DARA_ERR_AUTH_USER_CHANGED: {
    status: 401,
    message:
      'Account changed: the user was removed, or their name, groups or password changed, since this session began; log in again with POST /api/auth/session',
  },
  DARA_ERR_AUTH_BUSY: {
    status: 503,
    message: 'Too many logins are being checked at once: try again in a second',
  },
  DARA_ERR_AUTH_ADMIN: {
    status: 401,
    message:
      "Admin request refused: %s. The admin routes take a request signed with the app's secret, as `dara token` makes it",
  },
  DARA_ERR_AUTH_SESSION_EXPIRED: {
    status: 401,
    message: 'Session expired: log in again with POST /api/auth/session',
  },
  DARA_ERR_AUTH_LOGIN_MISSING: {
    status: 401,
    message: 'Missing credentials: send the JSON body { "username": "...", "password": "..." }',
  },
  DARA_ERR_AUTH_LOGIN_FAILED: {
    status: 401,
    message: 'Wrong username or password',
  },
  DARA_ERR_AUTH_BODY: {
    status: 400,
    message: 'Malformed body for %s: %s',
  },
  DARA_ERR_AUTH_REFRESH_INVALID: {
    status: 401,
    message:
      'Invalid refresh token: it is not one this app issued; log in again with POST /api/auth/session',
  },
  DARA_ERR_AUTH_REFRESH_REUSED: {
    status: 401,
    message:
      'Refresh token already used: someone else may hold it, so its session is now revoked; log in again with POST /api/auth/session',
  },
  DARA_ERR_AUTH_RATE_LIMITED: {
    status: 429,
    message: 'Too many failed logins for this %s: try again in %s seconds',
  },
  DARA_ERR_AUTH_CSRF: {
    status: 403,
    message:
      'Cross-site request refused: %s. A request that changes state and is authenticated by the session cookie alone must come from this site; programs send "Authorization: Bearer <token>" instead',
  },
  DARA_ERR_OIDC_PROVIDER_DOWN: {
    status: 503,
    message:
      'The identity provider %s cannot be reached (%s): log in again shortly; until it answers, nobody can log in through it',
  },
  DARA_ERR_OIDC_PROVIDER_ERROR: {
    status: 502,
    message: 'The identity provider %s answered %s with something unusable: %s',
  },
  DARA_ERR_OIDC_STATE: {
    status: 401,
    message:
      'Login through the identity provider refused: %s. Start again from GET /api/auth/oidc/login',
  },
  DARA_ERR_OIDC_CODE_REJECTED: {
    status: 401,
    message:
      'The identity provider refused the authorization code (%s): it was used already or has expired. Start again from GET /api/auth/oidc/login',
  },
  DARA_ERR_OIDC_NONCE: {
    status: 401,
    message:
      'The ID token does not answer this login (its nonce differs): start again from GET /api/auth/oidc/login',
  },
  DARA_ERR_OIDC_TOKEN_EXPIRED: {
    status: 401,
    message: 'The ID token has expired (%s): log in again, or ask the provider for a fresh one',
  },
  DARA_ERR_OIDC_ISSUER: {
    status: 401,
    message: 'The ID token or answer comes from %s; this app trusts only issuer %s',
  },
  DARA_ERR_OIDC_TOKEN_INVALID: {
    status: 401,
    message: 'The ID token is not valid for this app: %s',
  },
  DARA_ERR_OIDC_DENIED: {
    status: 401,
    message: 'The identity provider did not log you in: %s',
  },
  DARA_ERR_OIDC_REFRESH_FAILED: {
    status: 401,
    message:
      'The identity provider refused to renew the session (%s): the session has ended; log in again',
  },
  DARA_ERR_OIDC_REDIRECT_INVALID: {
    status: 400,
    message:
      'redirect_to must be a path of this app starting with one "/" (got %s): dara-ts never sends a user to another site after login',
  },
  DARA_ERR_OIDC_LOGIN_REDIRECT: {
    status: 400,
    message:
      'This app logs users in through the identity provider: open GET /api/auth/oidc/login in a browser; scripts send the provider\'s ID token as "Authorization: Bearer <token>" when the app allows it',
  },
  DARA_ERR_AUTH_FORBIDDEN: {
    status: 403,
    message: 'Forbidden: %s is for members of %s',
  },
  DARA_ERR_AUTH_STORE_DOWN: {
    status: 503,
    message:
      'Session store unavailable (%s): requests that need a session are refused until it is back; retry shortly',
  },
  DARA_ERR_PAGE_INVALID: {
    status: 500,
    message: 'config.addPage(%s): %s',
  },
  DARA_ERR_PAGE_DUPLICATE: {
    status: 500,
    message:
      'Pages %s and %s both answer at /%s. Rename one, or give it its own path: config.addPage(name, content, { path: "other" }).',
  },
  DARA_ERR_PAGE_NOT_FOUND: {
    status: 404,
    message: 'No page at path "%s"',
  },
  DARA_ERR_COMPONENT_NO_UI: {
    status: 500,
    message:
      'Page "%s" uses component %s, which the UI cannot render: it has no React side (the UI knows %s). Build the page from those components, or register %s with config.addComponent() without placing it in a page.',
  },
  DARA_ERR_UI_NOT_BUILT: {
    status: 500,
    message:
      'The app has pages but the UI is not built (%s is missing). Run `npm run build` in the dara-ts package.',
  },
  DARA_ERR_TABLE_ROWS_INVALID: {
    status: 500,
    message:
      '%s did not answer a page of rows: %s. Return { rows: [row objects, at most limit of them], total: <count of matching rows> }.',
  },
  DARA_ERR_COMPONENT_UI_INVALID: {
    status: 500,
    message:
      "%s.ui must be the file URL of a module that exists, as `static ui = new URL('./chart.tsx', import.meta.url)` gives; got %s.",
  },
  DARA_ERR_COMPONENT_BUILD_FAILED: {
    status: 500,
    message: 'The React side of %s failed to build: %s: %s',
  },
  DARA_ERR_COMPONENTS_NOT_BUILT: {
    status: 500,
    message:
      'Component %s has a React side of its own (static ui), but %s holds no build of it. Run `npx dara build %s` before a production start (in development, `dara start` builds it).',
  },
  DARA_ERR_COMPONENTS_STALE: {
    status: 500,
    message:
      "The build of the app's components in %s is out of date: %s. Run `npx dara build %s` again before a production start.",
  },
  DARA_ERR_COMPONENTS_NO_VITE: {
    status: 500,
    message:
      'Component %s has a React side of its own (static ui), which dara-ts builds with Vite, and Vite is not installed. Run `npm install --save-dev vite`.',
  },
  DARA_ERR_FAVICON_INVALID: {
    status: 500,
    message:
      'config.setFavicon(%s): %s. Pass the path of an .ico, .png or .svg file, absolute or from the folder `dara start` runs in.',
  },
  DARA_ERR_WS_UPGRADE_REQUIRED: {
    status: 426,
    message:
      'GET %s is a websocket endpoint: open it with a websocket client (Upgrade: websocket), not a plain request',
  },
  DARA_ERR_WS_ORIGIN: {
    status: 403,
    message:
      'Websocket refused: %s. A websocket authenticated by the session cookie must be opened from this site (or an origin in trustedOrigins); programs send the token as the subprotocols ["dara.bearer", token]',
  },
  DARA_ERR_WS_BEARER: {
    status: 401,
    message:
      'The subprotocol "dara.bearer" must be followed by the token: new WebSocket(url, ["dara.bearer", token])',
  },
  DARA_ERR_UPLOAD_NOT_MULTIPART: {
    status: 415,
    message: 'Send the file as multipart/form-data, in a field named "data" (got %s)',
  },
  DARA_ERR_UPLOAD_NO_FILE: {
    status: 422,
    message: 'No file: send it as multipart/form-data in a field named "data"',
  },
  DARA_ERR_UPLOAD_RESOLVER_UNKNOWN: {
    status: 400,
    message: 'Unknown resolver_id "%s": no UploadDropzone of this app has that id',
  },
  DARA_ERR_UPLOAD_RESOLVER_MISSING: {
    status: 400,
    message:
      'No resolver_id: send the id of the UploadDropzone the file is for as the query parameter resolver_id, or as a form field of that name',
  },
  DARA_ERR_UPLOAD_TOO_LARGE: {
    status: 413,
    message: 'The file is too large: the limit is %s',
  },
  DARA_ERR_UPLOAD_TYPE: {
    status: 415,
    message: 'Files of type %s are not accepted here; accepted: %s',
  },
  DARA_ERR_UPLOAD_ABORTED: {
    status: 400,
    message: 'The upload ended before the whole file arrived',
  },
  DARA_ERR_UPLOAD_CSV: {
    status: 422,
    message: 'The file is not valid CSV: %s',
  },
  DARA_ERR_UPLOAD_CSV_ROWS: {
    status: 413,
    message: 'The CSV file has more than %s rows: send fewer, or split the file',
  },
  DARA_ERR_UPLOAD_CSV_COLUMNS: {
    status: 413,
    message: 'The CSV file has %s columns, more than the %s allowed',
  },
  DARA_ERR_UPLOAD_CSV_BYTES: {
    status: 413,
    message: 'The rows of the CSV file take more than %s as JSON: send fewer, or split the file',
  },
  DARA_ERR_UPLOAD_XLSX: {
    status: 422,
    message: 'The file is not a valid Excel (.xlsx) workbook: %s',
  },
  DARA_ERR_UPLOAD_XLSX_LIMIT: {
    status: 413,
    message: 'The Excel file %s: send fewer rows, or split the file',
  },
  DARA_ERR_UPLOAD_STALLED: {
    status: 408,
    message:
      'The upload is too slow: %s bytes arrived in the last %s s, under the %s bytes per second it must keep up',
  },
  DARA_ERR_UPLOAD_TIMEOUT: {
    status: 408,
    message: 'The upload did not finish within %s s',
  },
  DARA_ERR_UPLOAD_MALFORMED: {
    status: 400,
    message: 'The multipart body is malformed (%s): send it as a browser FormData does',
  },
  DARA_ERR_UPLOAD_TOO_MANY_PARTS: {
    status: 413,
    message:
      'Too many parts in the multipart body (%s): send one file in the field "data", with at most 10 small fields beside it',
  },
  DARA_ERR_FILES_NOT_MULTIPART: {
    status: 415,
    message:
      '%s takes multipart/form-data, with its files in %s and its other fields beside them (got %s): send a FormData',
  },
  DARA_ERR_FILES_UNKNOWN_FIELD: {
    status: 422,
    message: '%s takes no file in the field "%s"; it takes files in %s',
  },
  DARA_ERR_FILES_MISSING: {
    status: 422,
    message: '%s needs a file in the field "%s"',
  },
  DARA_ERR_FILES_TOO_MANY: {
    status: 422,
    message: 'The field "%s" takes at most %s file(s): send fewer',
  },
  DARA_ERR_FILES_FIELDS_TOO_LARGE: {
    status: 413,
    message: 'The text fields of the multipart body take more than %s: send less',
  },
  DARA_ERR_FILES_TOO_MANY_PARTS: {
    status: 413,
    message:
      'Too many parts in the multipart body (%s): %s takes at most %s files and %s text fields',
  },
  DARA_ERR_SERVER_OPTION_INVALID: {
    status: 500,
    message: '%s must be %s, got %s',
  },
  DARA_ERR_REQUEST_TIMEOUT: {
    status: 503,
    message: 'No answer within %s ms: the server gave up on this request. Try again later',
  },
  DARA_ERR_REQUEST_SLOW: {
    status: 408,
    message:
      'The request did not arrive in time: send its headers within %s ms and all of it within %s ms',
  },
  DARA_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request line and headers are larger than %s bytes: send fewer or shorter ones',
  },
  DARA_ERR_BAD_REQUEST: {
    status: 400,
    message: 'Malformed HTTP request: %s',
  },
  DARA_ERR_BAD_URL: {
    status: 400,
    message: 'The path %s is not a valid URL: write a "%" that is not an escape as %25',
  },
  DARA_ERR_PARAM_TOO_LONG: {
    status: 414,
    message: 'A path parameter is longer than %s characters',
  },
  DARA_ERR_JSON_TOO_DEEP: {
    status: 400,
    message: 'The JSON body nests arrays and objects deeper than %s levels',
  },
  DARA_ERR_CLOSING: {
    status: 503,
    message: 'The server is shutting down: retry in a moment',
  },
  DARA_ERR_NOT_READY: {
    status: 503,
    message: 'Not ready: %s',
  },
  DARA_ERR_WORKERS_MEMORY_STORE: {
    status: 500,
    message:
      '%s workers would each keep sessions in their own memory (%s): a login on one worker would be unknown to the next. Set DARA_REDIS_URL to a Redis that every worker reaches (or give config.setSessionStore() another shared store), or run one worker.',
  },
  DARA_ERR_WORKER_EXITED: {
    status: 500,
    message:
      'Worker %s stopped before it listened (%s), so the app did not start; its output above says why.',
  },
  DARA_ERR_RESPONSE_INVALID: {
    status: 500,
    message:
      '%s answered %s with a value its response schema refuses (%s). Return what the schema describes, or change the schema.',
  },
  DARA_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    message: '%s is not allowed on %s: call it with %s',
  },
} as const satisfies Record<string, ErrorRow>

export type DaraErrorCode = keyof typeof ERRORS

function format(template: string, args: readonly unknown[]): string {
  let i = 0
  return template.replace(/%s/g, () => String(args[i++]))
}

/**
 * An error raised by dara-ts itself, carrying a code from the table above.
 * Start-time errors are DaraErrors; `dara start` prints them as one line.
 */
export class DaraError extends Error {
  override readonly name = 'DaraError'
  readonly code: DaraErrorCode
  readonly status: number
  /** Headers the response carries with this error (`Retry-After` on 429, say). */
  headers: Readonly<Record<string, string>> = {}

  constructor(code: DaraErrorCode, ...args: readonly unknown[]) {
    const row: ErrorRow = ERRORS[code]
    super(`${code}: ${format(row.message, args)}`)
    this.code = code
    this.status = row.status
  }

  /** The same error, answered with these headers too. */
  withHeaders(headers: Readonly<Record<string, string>>): this {
    this.headers = { ...this.headers, ...headers }
    return this
  }

  /** The message without its code prefix, as sent to clients. */
  get detail(): string {
    return this.message.slice(this.code.length + 2)
  }
}
