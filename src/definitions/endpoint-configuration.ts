import type { z } from 'zod'
import { DaraError } from '../errors.ts'

/** The data fields of a configuration class: its properties that are not methods. */
export type ConfigurationFields<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K]
}

/**
 * Values an endpoint needs from the people who deploy the app, such as file
 * paths. Subclass it, declare the fields, and inject the class into a handler;
 * the app gives the instance added with `config.addConfiguration()`, else the
 * class's `static default()`. A class with neither stops the app at start.
 *
 * Pass the class itself as the type argument to have its constructor checked
 * (`extends EndpointConfiguration<GreetingsConfiguration>`), and give it a zod
 * `static schema` to have values checked when an instance is built.
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * import { EndpointConfiguration } from 'dara-ts/definitions'
 *
 * export class GreetingsConfiguration extends EndpointConfiguration<GreetingsConfiguration> {
 *   declare country: string
 *   static override schema = z.object({ country: z.string().min(1) })
 *   static default() {
 *     return new GreetingsConfiguration({ country: 'United Kingdom' })
 *   }
 * }
 * ```
 */
export abstract class EndpointConfiguration<Self = Record<string, unknown>> {
  /** Checks the fields when an instance is built; unknown fields are refused. */
  static schema: z.ZodType | undefined = undefined

  constructor(fields: ConfigurationFields<Self>) {
    const cls = new.target
    const values = validate(cls.name, cls.schema, fields)
    Object.assign(this, values)
  }
}

function validate(className: string, schema: z.ZodType | undefined, fields: unknown): object {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new DaraError(
      'DARA_ERR_CONFIG_INVALID',
      className,
      `expected an object of fields, got ${describe(fields)}`,
    )
  }
  if (!schema) return fields
  const strict = isObjectSchema(schema) ? schema.strict() : schema
  const result = strict.safeParse(fields)
  if (result.success) {
    if (typeof result.data !== 'object' || result.data === null) {
      throw new DaraError('DARA_ERR_CONFIG_INVALID', className, 'its schema must produce an object')
    }
    return result.data
  }
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `field "${key}" is not declared in the schema`).join('; ')
    }
    const field = issue.path.length ? `field "${issue.path.join('.')}"` : 'the fields'
    return `${field}: ${issue.message}`
  })
  throw new DaraError('DARA_ERR_CONFIG_INVALID', className, problems.join('; '))
}

// Asked of the schema itself, not with `instanceof z.ZodObject`: this module
// loads with every app, and zod (about 100 modules) only with the apps that use it.
function isObjectSchema(schema: z.ZodType): schema is z.ZodObject {
  return schema.def.type === 'object' && 'strict' in schema && typeof schema.strict === 'function'
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** An EndpointConfiguration subclass, as `inject` and the registry take it. */
export type ConfigurationClass<T extends object = object> = (abstract new (
  ...args: never[]
) => T) & {
  default?: () => T
}

export function isConfigurationClass(value: unknown): value is ConfigurationClass {
  return typeof value === 'function' && value.prototype instanceof EndpointConfiguration
}
