/**
 * What the OpenAPI document says of dara-ts's own routes, which have no zod
 * schemas: their bodies, their answers, the summaries of `/api/core/*`, and
 * the error codes each may answer with.
 */
type JsonSchema = Record<string, unknown>

/** The docs of one framework route, by `METHOD /path`. */
export interface FrameworkDoc {
  readonly summary?: string
  readonly body?: JsonSchema
  readonly answer?: JsonSchema
  /** Error codes by status, beyond those of authentication (added for every authenticated route). */
  readonly errors?: Readonly<Record<string, readonly string[]>>
}

const TOKEN_PAIR: JsonSchema = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'A JWT to send as `Authorization: Bearer <token>`' },
    refreshToken: { type: 'string', description: 'Trade it at POST /api/auth/refresh-token, once' },
    expiresIn: { type: 'integer', description: 'Seconds the token lives' },
  },
  required: ['token', 'refreshToken', 'expiresIn'],
}

/** Why an authenticated route answers 401, whatever the route. */
export const AUTH_401_CODES = [
  'DARA_ERR_AUTH_NO_CREDENTIALS',
  'DARA_ERR_AUTH_SCHEME',
  'DARA_ERR_AUTH_MALFORMED',
  'DARA_ERR_AUTH_INVALID',
  'DARA_ERR_AUTH_EXPIRED',
  'DARA_ERR_AUTH_REVOKED',
  'DARA_ERR_AUTH_SESSION_UNKNOWN',
  'DARA_ERR_AUTH_SESSION_EXPIRED',
] as const

/** Why an authenticated route answers 403: a cookie from elsewhere, a group or scope missing. */
export const AUTH_403_CODES = [
  'DARA_ERR_AUTH_CSRF',
  'DARA_ERR_AUTH_FORBIDDEN',
  'DARA_ERR_AUTH_SCOPE',
] as const

export const FRAMEWORK_DOCS: Readonly<Record<string, FrameworkDoc>> = {
  'POST /api/auth/session': {
    body: {
      type: 'object',
      description: 'With basic auth, the credentials; the default (anonymous) auth takes no body.',
      properties: { username: { type: 'string' }, password: { type: 'string' } },
    },
    answer: TOKEN_PAIR,
    errors: {
      '400': ['DARA_ERR_AUTH_BODY'],
      '401': ['DARA_ERR_AUTH_LOGIN_MISSING', 'DARA_ERR_AUTH_LOGIN_FAILED'],
      '403': ['DARA_ERR_AUTH_CSRF'],
      '429': ['DARA_ERR_AUTH_RATE_LIMITED'],
      '503': ['DARA_ERR_AUTH_STORE_DOWN'],
    },
  },
  'POST /api/auth/refresh-token': {
    body: {
      type: 'object',
      properties: { refreshToken: { type: 'string', minLength: 1 } },
      required: ['refreshToken'],
      additionalProperties: false,
    },
    answer: TOKEN_PAIR,
    errors: {
      '400': ['DARA_ERR_AUTH_BODY'],
      '401': ['DARA_ERR_AUTH_REFRESH_INVALID', 'DARA_ERR_AUTH_REFRESH_REUSED'],
      '503': ['DARA_ERR_AUTH_STORE_DOWN'],
    },
  },
  'POST /api/auth/verify-session': {
    answer: {
      type: 'object',
      properties: {
        sessionId: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' },
      },
      required: ['sessionId', 'expiresAt'],
    },
  },
  'POST /api/auth/revoke-session': {
    answer: {
      type: 'object',
      properties: { success: { const: true } },
      required: ['success'],
    },
  },
  'GET /api/core/metrics': { summary: 'Request and process metrics, in Prometheus text format' },
  'GET /api/core/config': { summary: "The UI's settings: title, auth, the page menu" },
  'GET /api/core/pages': { summary: 'The pages the caller may see' },
  'GET /api/core/pages/{path}': { summary: 'One page, its components as the UI renders them' },
  'POST /api/core/data/upload': {
    summary: 'Upload a file (multipart) to the default or a named resolver',
  },
}
