import type { Socket } from 'node:net'
import type { UploadSpec } from './upload-spec.ts'

// The server asks these two questions of every app, dropzones or not: they
// live here, apart from the upload route and the UploadDropzone class, so that
// answering them loads neither (nor zod, which the route's query schema needs).

const uploadRoutes = new WeakSet<object>()
const dropzoneSpecs = new WeakMap<object, UploadSpec>()

/** Marks the upload route (done once, where it is defined). */
export function markUploadRoute(route: object): void {
  uploadRoutes.add(route)
}

/** Whether `route` is the upload route, which parses multipart itself. */
export function isUploadRoute(route: object): boolean {
  return uploadRoutes.has(route)
}

/** Records what a dropzone accepts (done by its constructor). */
export function setUploadSpec(component: object, spec: UploadSpec): void {
  dropzoneSpecs.set(component, spec)
}

/** The upload spec of a dropzone, or undefined for any other component. */
export function uploadSpecOf(component: object): UploadSpec | undefined {
  return dropzoneSpecs.get(component)
}

/** Where an app keeps its dropzones by id: a decoration of its Fastify instance. */
export const UPLOAD_REGISTRY = Symbol('dara-ts.uploads')

export type UploadRegistry = ReadonlyMap<string, UploadSpec>

/** The dropzones of the app that `server` belongs to. */
export function uploadRegistryOf(server: object): UploadRegistry {
  const registry: unknown = Reflect.get(server, UPLOAD_REGISTRY)
  return registry instanceof Map ? registry : new Map()
}

/** Where an app with metrics on keeps what counts its uploads: a decoration of its Fastify instance. */
export const UPLOAD_OBSERVER = Symbol('dara-ts.upload-observer')

/**
 * Told of each upload once it is over: `outcome` is "success" or the error code
 * it was refused with ("error" for a resolver's own failure); `bytes` is how much
 * of the file was read.
 */
export type UploadObserver = (outcome: string, bytes: number) => void

/** What counts the uploads of the app that `server` belongs to, if it counts them. */
export function uploadObserverOf(server: object): UploadObserver | undefined {
  const observer: unknown = Reflect.get(server, UPLOAD_OBSERVER)
  return typeof observer === 'function' ? (observer as UploadObserver) : undefined
}

/** Where an app keeps how long its uploads may take: a decoration of its Fastify instance. */
export const UPLOAD_TIMING = Symbol('dara-ts.upload-timing')

/** The time bounds of an upload (see the `upload*` limits), and how it takes over the request timeout. */
export interface UploadTiming {
  readonly minRate: number
  readonly rateWindow: number
  readonly timeout: number
  readonly handlerTimeout: number
  /**
   * Tells the server that the request on `socket` keeps its own time: Node's
   * request timeout leaves it alone until the function returned is called.
   */
  readonly ownTime: (socket: Socket) => () => void
}

/** The upload timing of the app that `server` belongs to. */
export function uploadTimingOf(server: object): UploadTiming {
  const timing: unknown = Reflect.get(server, UPLOAD_TIMING)
  if (typeof timing !== 'object' || timing === null)
    throw new Error('The upload route is mounted by createApp only')
  // Sound: only createApp sets this decoration, always with an UploadTiming.
  return timing as UploadTiming
}
