import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>

// Resolved from Fastify's own folder: the very compiler Fastify would load itself.
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'))
let selector: SerializerFactory | undefined

/**
 * Fastify's response-schema serializer compiler, loaded the first time a route
 * declares a response schema rather than when the app is built. dara-ts sends
 * JSON with JSON.stringify, so most apps never load it: about 25 ms less at start.
 */
export const buildSerializer: SerializerFactory = (externalSchemas, options) => {
  // The package exports its factory maker as a CommonJS function.
  selector ??= (
    fastifyRequire('@fastify/fast-json-stringify-compiler') as () => SerializerFactory
  )()
  return selector(externalSchemas, options)
}
