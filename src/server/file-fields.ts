import { DaraError } from '../errors.ts'
import type { AnyApiRoute, FileField } from '../http/api-route.ts'
import { DEFAULT_MAX_SIZE } from '../components/upload-spec.ts'

/** The most files one `many: true` field takes. */
export const MANY_MAX = 100

/** The most text fields a multipart body beside files may have. */
export const MAX_TEXT_FIELDS = 100

/** One file field of a route, checked and with its defaults. */
export interface FileFieldPlan {
  readonly maxSize: number
  readonly accept: string | undefined
  readonly many: boolean
  readonly optional: boolean
}

/** What a route with `options.files` takes, worked out at start. */
export interface FilesPlan {
  readonly fields: ReadonlyMap<string, FileFieldPlan>
  /** The largest `maxSize` of its fields. */
  readonly maxSize: number
  /** How many files all its fields take together. */
  readonly maxFiles: number
  /** Its field names, as messages list them: `"report", "images"`. */
  readonly names: string
}

/**
 * Checks a route's `options.files` at start; undefined for a route without.
 * Every mistake is DARA_ERR_ROUTE_INVALID naming the route and the field.
 */
export function planFiles(route: AnyApiRoute): FilesPlan | undefined {
  const { files } = route.options
  if (files === undefined) return undefined
  const where = `${route.method} ${route.url}`
  const invalid = (why: string): DaraError => new DaraError('DARA_ERR_ROUTE_INVALID', where, why)
  if (route.method === 'GET')
    throw invalid('`files` needs a method with a body: POST, PUT or PATCH')
  if (typeof files !== 'object' || files === null || Object.keys(files).length === 0)
    throw invalid('`files` must map at least one field name to { maxSize?, accept?, many? }')
  if (route.options.inject?.['files'] !== undefined)
    throw new DaraError('DARA_ERR_INJECT_RESERVED', where, 'files', 'the uploaded files')
  const fields = new Map<string, FileFieldPlan>()
  for (const [name, field] of Object.entries(files)) {
    fields.set(
      name,
      checkField(field, (why) => invalid(`files.${name}: ${why}`)),
    )
  }
  const plans = [...fields.values()]
  return {
    fields,
    maxSize: Math.max(...plans.map((field) => field.maxSize)),
    maxFiles: plans.reduce((sum, field) => sum + (field.many ? MANY_MAX : 1), 0),
    names: [...fields.keys()].map((name) => `"${name}"`).join(', '),
  }
}

function checkField(field: FileField, invalid: (why: string) => DaraError): FileFieldPlan {
  if (typeof field !== 'object' || field === null) throw invalid('must be an object')
  const { maxSize = DEFAULT_MAX_SIZE, accept, many = false, optional = false } = field
  if (!Number.isSafeInteger(maxSize) || maxSize < 1)
    throw invalid('maxSize must be a positive whole number of bytes')
  if (accept !== undefined && typeof accept !== 'string')
    throw invalid("accept must be a string such as '.csv,text/csv'")
  if (typeof many !== 'boolean') throw invalid('many must be true or false')
  if (typeof optional !== 'boolean') throw invalid('optional must be true or false')
  return { maxSize, accept, many, optional }
}
