import { z } from 'zod'

/** Which top-level fields of an object schema want a list, and which a single value. */
export interface ListFields {
  readonly lists: ReadonlySet<string>
  readonly singles: ReadonlySet<string>
}

/** The schema under optional, default, nullable and the like, and the input side of a pipe. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema
  for (let i = 0; i < 32; i++) {
    const def = current._zod.def
    if ('innerType' in def && def.innerType instanceof z.ZodType) current = def.innerType
    else if (def.type === 'pipe' && 'in' in def && def.in instanceof z.ZodType) current = def.in
    else break
  }
  return current
}

/**
 * The list and single fields of an object schema, worked out once at start; undefined
 * for a schema that is not an object. URLs and forms carry one value per key or a
 * repeated key: this says which of the two each field asks for.
 */
export function listFields(schema: z.ZodType | undefined): ListFields | undefined {
  if (!schema) return undefined
  const object = unwrap(schema)
  if (!(object instanceof z.ZodObject)) return undefined
  const lists = new Set<string>()
  const singles = new Set<string>()
  for (const [key, field] of Object.entries(object.shape)) {
    if (!(field instanceof z.ZodType)) continue
    const inner = unwrap(field)
    const type = inner._zod.def.type
    if (type === 'array' || type === 'tuple' || type === 'set') lists.add(key)
    else if (type !== 'unknown' && type !== 'any' && type !== 'union') singles.add(key)
  }
  return lists.size === 0 && singles.size === 0 ? undefined : { lists, singles }
}

/**
 * The url-shaped input as the schema asks: `?k=a` is `['a']` for a list field,
 * `?k=a&k=b` is `'b'` (the last, as FastAPI takes it) for a single one. Other
 * values are left as they are, for the schema to judge.
 */
export function shapeLists(input: unknown, fields: ListFields): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(input)) {
    const value: unknown = Reflect.get(input, key)
    let shaped: unknown = value
    if (fields.lists.has(key) && value !== undefined && !Array.isArray(value)) shaped = [value]
    else if (fields.singles.has(key) && Array.isArray(value)) shaped = value.at(-1)
    if (shaped === value) continue
    copy ??= Object.assign(Object.create(null) as Record<string, unknown>, input)
    copy[key] = shaped
  }
  return copy ?? input
}
