import type { FastifySchema } from 'fastify'
import { z } from 'zod'
import { DaraError } from '../errors.ts'
import type { RouteOptions } from '../http/api-route.ts'

/** A JSON Schema, as zod writes it. */
export type JsonSchema = Record<string, unknown>

/** A route's answer schemas, worked out at start. */
export interface ResponsePlan {
  /** One schema for every successful status, when `response` is a single schema. */
  readonly success: z.ZodType | undefined
  /** One schema per status, when `response` is a map. */
  readonly byStatus: ReadonlyMap<number, z.ZodType>
  /** Whether values are checked against their schema before they go out (outside production). */
  readonly checks: boolean
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
}

/**
 * Checks `status` and `response` and plans the answer's schemas; a mistake
 * stops the start, naming the route.
 */
export function planResponse(where: string, options: RouteOptions): ResponsePlan | undefined {
  const { status, response } = options
  if (status !== undefined && !isStatus(status)) {
    throw new DaraError(
      'DARA_ERR_ROUTE_INVALID',
      where,
      '`status` must be an HTTP status code (100 to 599)',
    )
  }
  if (response === undefined) return undefined
  const checks = process.env['NODE_ENV'] !== 'production'
  if (response instanceof z.ZodType) return { success: response, byStatus: new Map(), checks }
  const byStatus = new Map<number, z.ZodType>()
  if (typeof response === 'object' && response !== null) {
    for (const [key, schema] of Object.entries(response)) {
      const code = Number(key)
      if (!isStatus(code) || !(schema instanceof z.ZodType)) {
        throw new DaraError(
          'DARA_ERR_ROUTE_INVALID',
          where,
          '`response` must be a zod schema, or an object of zod schemas by status code ({ 200: schema })',
        )
      }
      byStatus.set(code, schema)
    }
  }
  if (byStatus.size === 0) {
    throw new DaraError(
      'DARA_ERR_ROUTE_INVALID',
      where,
      '`response` must be a zod schema, or an object of zod schemas by status code ({ 200: schema })',
    )
  }
  return { success: undefined, byStatus, checks }
}

/** The schema for an answer of this status, if the route declared one. */
export function schemaFor(plan: ResponsePlan, status: number): z.ZodType | undefined {
  return plan.byStatus.get(status) ?? (status >= 200 && status < 300 ? plan.success : undefined)
}

/**
 * A zod schema as JSON Schema. Types JSON cannot carry (dates, transforms) become
 * `{}` rather than failing: such a field goes out as JSON.stringify writes it.
 */
export function toJsonSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  target: 'draft-2020-12' | 'draft-7' = 'draft-2020-12',
): JsonSchema {
  const json: JsonSchema = { ...z.toJSONSchema(schema, { io, target, unrepresentable: 'any' }) }
  delete json['$schema']
  return json
}

/**
 * The route's `schema` for Fastify: its response schemas, which Fastify compiles
 * into serializers that write only the declared keys.
 */
export function fastifySchema(plan: ResponsePlan | undefined): { schema?: FastifySchema } {
  if (!plan) return {}
  const response: Record<string, JsonSchema> = {}
  if (plan.success) response['2xx'] = toJsonSchema(plan.success, 'output', 'draft-7')
  for (const [status, schema] of plan.byStatus) {
    response[String(status)] = toJsonSchema(schema, 'output', 'draft-7')
  }
  return { schema: { response } }
}
