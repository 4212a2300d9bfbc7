import type { z } from 'zod'
import type { RouteOptions } from '../http/api-route.ts'
import { wsSpecOf } from '../http/ws.ts'
import { READY_PATH } from './health.ts'
import type { RoutePlan } from './plan.ts'
import {
  AUTH_401_CODES,
  AUTH_403_CODES,
  FRAMEWORK_DOCS,
  type FrameworkDoc,
} from './openapi-framework.ts'
import { filesRequestBody } from './openapi-files.ts'
import { toJsonSchema as toSchema } from './response-schema.ts'

/** A JSON Schema, as zod writes it and OpenAPI 3.1 takes it. */
type JsonSchema = Record<string, unknown>

/** What the document says about the API itself. */
export interface OpenApiInfo {
  readonly title: string
  readonly version: string
  readonly description?: string
}

const SECURITY_SCHEME = 'bearerAuth'

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { detail: {}, code: { type: 'string' } },
  required: ['detail'],
}

const VALIDATION_ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          in: { enum: ['path', 'query', 'header', 'cookie', 'body'] },
          path: { type: 'array', items: { type: ['string', 'number'] } },
          code: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['in', 'path', 'code', 'message'],
      },
    },
  },
  required: ['detail'],
}

/** An error answer whose `code` is one of `codes`. */
function codedError(description: string, codes: readonly string[]): JsonSchema {
  return {
    description: `${description}: ${codes.join(', ')}`,
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Error' },
            { type: 'object', properties: { code: { enum: [...codes] } }, required: ['code'] },
          ],
        },
      },
    },
  }
}

/** The answers of a framework route: its own errors, and those of its authentication. */
function frameworkResponses(doc: FrameworkDoc, plan: RoutePlan): Record<string, JsonSchema> {
  const codes: Record<string, string[]> = {}
  for (const [status, list] of Object.entries(doc.errors ?? {})) codes[status] = [...list]
  if (plan.route.authenticated) {
    codes['401'] = [...(codes['401'] ?? []), ...AUTH_401_CODES]
    codes['403'] = [...(codes['403'] ?? []), ...AUTH_403_CODES]
  }
  const out: Record<string, JsonSchema> = {}
  for (const status of Object.keys(codes).sort()) {
    out[status] = codedError(ERROR_TITLES[status] ?? 'Error', codes[status] ?? [])
  }
  return out
}

const ERROR_TITLES: Readonly<Record<string, string>> = {
  '400': 'Malformed request',
  '401': 'Missing, invalid or expired credentials',
  '403': 'Refused',
  '429': 'Too many attempts: wait for Retry-After',
  '503': 'The session store is unavailable',
}

function errorResponse(description: string, schema = 'Error'): JsonSchema {
  return {
    description,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  }
}

/** The `{ name: schema }` of an object schema, with which names are required. */
function fields(
  schema: z.ZodType | undefined,
): { props: Record<string, JsonSchema>; required: Set<string> } | undefined {
  if (!schema) return undefined
  const json = toSchema(schema, 'input')
  const props = json['properties']
  if (typeof props !== 'object' || props === null) return undefined
  const required = Array.isArray(json['required']) ? json['required'].map(String) : []
  // Sound: zod writes each property of an object schema as a JSON Schema object.
  return { props: props as Record<string, JsonSchema>, required: new Set(required) }
}

function parameters(options: RouteOptions, pathParams: readonly string[]): JsonSchema[] {
  const list: JsonSchema[] = []
  const path = fields(options.params)
  for (const name of pathParams) {
    list.push({ name, in: 'path', required: true, schema: path?.props[name] ?? { type: 'string' } })
  }
  for (const [location, schema] of [
    ['query', options.query],
    ['header', options.headers],
    ['cookie', options.cookies],
  ] as const) {
    const found = fields(schema)
    if (!found) continue
    for (const [name, property] of Object.entries(found.props)) {
      // OpenAPI ignores a header parameter named Authorization: the security scheme covers it.
      if (location === 'header' && name === 'authorization') continue
      list.push({ name, in: location, required: found.required.has(name), schema: property })
    }
  }
  return list
}

function requestBody(schema: z.ZodType | undefined): JsonSchema | undefined {
  if (!schema) return undefined
  const json = toSchema(schema, 'input')
  // An object body may come as an HTML form too; anything else only as JSON.
  const form =
    json['type'] === 'object' ? { 'application/x-www-form-urlencoded': { schema: json } } : {}
  return {
    required: !schema.safeParse(undefined).success,
    content: { 'application/json': { schema: json }, ...form },
  }
}

/** The successful answers: one per schema of `response`, else the route's status with any JSON. */
function successes(plan: RoutePlan): Record<string, JsonSchema> {
  const { response } = plan
  const status = plan.route.options.status ?? 200
  const answer = (schema: JsonSchema | undefined, code: number): JsonSchema =>
    code === 204 || code === 304
      ? { description: 'Success, no content' }
      : { description: 'Success', content: { 'application/json': { schema: schema ?? {} } } }
  if (!response) return { [String(status)]: answer(undefined, status) }
  const out: Record<string, JsonSchema> = {}
  if (response.success) out[String(status)] = answer(toSchema(response.success, 'output'), status)
  for (const [code, schema] of response.byStatus) {
    out[String(code)] = answer(toSchema(schema, 'output'), code)
  }
  return out
}

function operationId(plan: RoutePlan, taken: Set<string>): string {
  const name = plan.route.handler.name
  const base =
    name && name !== 'handler' && name !== 'anonymous'
      ? name
      : `${plan.route.method.toLowerCase()}${plan.path
          .replace(/^\/api/, '')
          .split(/[^A-Za-z0-9]+/)
          .filter(Boolean)
          .map((word) => word[0]?.toUpperCase() + word.slice(1))
          .join('')}`
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}${n}`
  taken.add(id)
  return id
}

/** Fastify's `/api/items/:id` as OpenAPI writes it: `/api/items/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_$][\w$]*)/g, '{$1}')
}

/**
 * The OpenAPI 3.1 document of an app: one operation for every planned route,
 * the framework's own included, with its zod schemas as JSON Schema.
 */
export function buildOpenApi(plans: readonly RoutePlan[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {}
  // Ids the routes chose are theirs; generated ones step around them.
  const taken = new Set<string>()
  for (const plan of plans) {
    const id = plan.route.options.operationId
    if (id !== undefined) taken.add(id)
  }
  for (const plan of plans) {
    const { route } = plan
    // A websocket is no HTTP operation: OpenAPI has no words for it (the route manifest lists it).
    if (wsSpecOf(route)) continue
    const { options } = route
    const pathParams = [...plan.path.matchAll(/:([A-Za-z_$][\w$]*)/g)].map((m) => m[1] ?? '')
    const validates = [
      options.params,
      options.query,
      options.headers,
      options.cookies,
      options.body,
      options.files,
    ].some(Boolean)
    const responses: Record<string, JsonSchema> = {
      ...successes(plan),
      ...(route.authenticated ? { '401': errorResponse('Missing, invalid or expired token') } : {}),
      ...(route.authenticated && (options.groups ?? options.scopes)
        ? {
            '403': errorResponse(
              'Not in a group, or a token without a scope, that the route needs',
            ),
          }
        : {}),
      ...(validates ? { '422': errorResponse('Invalid input', 'ValidationError') } : {}),
      ...(options.files
        ? {
            '413': errorResponse('A file larger than its maxSize, or too many parts'),
            '415': errorResponse('Not multipart/form-data, or a file type its accept refuses'),
          }
        : {}),
      '500': errorResponse('Internal error'),
      ...(plan.path === READY_PATH
        ? { '503': errorResponse('Not ready: the session store is unavailable, or shutting down') }
        : {}),
    }
    const framework =
      FRAMEWORK_DOCS[`${route.method} ${openApiPath(plan.path)}`] ??
      (/^\/api\/(auth|core)\//.test(plan.path) ? {} : undefined)
    if (framework) {
      Object.assign(responses, frameworkResponses(framework, plan))
      if (framework.answer) {
        responses['200'] = {
          description: 'Success',
          content: { 'application/json': { schema: framework.answer } },
        }
      }
    }
    const summary = options.summary ?? framework?.summary
    const body = framework?.body
      ? {
          required: Array.isArray(framework.body['required']),
          content: { 'application/json': { schema: framework.body } },
        }
      : options.files
        ? filesRequestBody(options.files, options.body)
        : requestBody(options.body)
    const tags = options.tags ?? (plan.path.startsWith('/api/auth/') ? ['auth'] : undefined)
    const operation: JsonSchema = {
      operationId: options.operationId ?? operationId(plan, taken),
      ...(summary === undefined ? {} : { summary }),
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(tags === undefined ? {} : { tags: [...tags] }),
      ...(options.deprecated === true ? { deprecated: true } : {}),
      parameters: parameters(options, pathParams),
      ...(body ? { requestBody: body } : {}),
      responses,
      security: route.authenticated ? [{ [SECURITY_SCHEME]: [...(options.scopes ?? [])] }] : [],
    }
    const key = openApiPath(plan.path)
    paths[key] = { ...paths[key], [route.method.toLowerCase()]: operation }
  }
  return {
    openapi: '3.1.1',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description === undefined ? {} : { description: info.description }),
    },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA, ValidationError: VALIDATION_ERROR_SCHEMA },
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A token from POST /api/auth/session or `dara token create`',
        },
      },
    },
  }
}
