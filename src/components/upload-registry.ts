import type { UploadSpec } from './upload-spec.ts'

/** Where an app keeps its dropzones by id: a decoration of its Fastify instance. */
export const UPLOAD_REGISTRY = Symbol('dara-ts.uploads')

export type UploadRegistry = ReadonlyMap<string, UploadSpec>

/** The dropzones of the app that `server` belongs to. */
export function uploadRegistryOf(server: object): UploadRegistry {
  const registry: unknown = Reflect.get(server, UPLOAD_REGISTRY)
  return registry instanceof Map ? registry : new Map()
}
