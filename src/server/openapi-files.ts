import type { z } from 'zod'
import type { FileField } from '../http/api-route.ts'
import { toJsonSchema } from './response-schema.ts'

type JsonSchema = Record<string, unknown>

/**
 * The request body of a route with `options.files`: multipart/form-data whose
 * properties are its files (binary; a list for `many`) and the text fields of
 * its `body` schema. The files' `accept` types become the parts' encoding.
 */
export function filesRequestBody(
  files: Readonly<Record<string, FileField>>,
  body: z.ZodType | undefined,
): JsonSchema {
  const fields = body ? toJsonSchema(body, 'input') : {}
  // Sound: zod writes an object schema's `properties` as an object of schemas, or leaves it out.
  const properties: JsonSchema = { ...(fields['properties'] as JsonSchema | undefined) }
  const required = new Set(Array.isArray(fields['required']) ? fields['required'] : [])
  const encoding: JsonSchema = {}
  for (const [name, field] of Object.entries(files)) {
    const file = { type: 'string', contentMediaType: 'application/octet-stream' }
    properties[name] = field.many ? { type: 'array', items: file } : file
    if (field.optional !== true) required.add(name)
    const types = field.accept
      ?.split(',')
      .map((token) => token.trim())
      .filter((token) => token.includes('/'))
    if (types && types.length > 0) encoding[name] = { contentType: types.join(', ') }
  }
  return {
    required: true,
    content: {
      'multipart/form-data': {
        schema: { type: 'object', properties, required: [...required] },
        ...(Object.keys(encoding).length > 0 ? { encoding } : {}),
      },
    },
  }
}
