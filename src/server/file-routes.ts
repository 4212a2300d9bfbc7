import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { UploadTiming } from '../components/upload-registry.ts'
import type { FilesPlan } from './file-fields.ts'
import type { RoutePlan } from './plan.ts'

/**
 * Files on any endpoint (`options.files`).
 *
 * A multipart body sends its parts in the client's order, and a browser's
 * FormData keeps the order fields were appended in: the text fields the `body`
 * schema validates may come after a file of a gigabyte. The handler must not
 * run before its input is known valid, so each file is spooled: streamed to a
 * temporary file as it arrives (memory stays bounded, the slow-upload guard
 * and the size limit apply while it streams), and once the whole body is in,
 * the fields are validated and the handler gets upload objects over those
 * files, with the built-in upload's readers. The files are removed when the
 * response is over, whatever it was. The price is one write to disk per file;
 * the alternative (fields first, files streamed to the handler) would refuse
 * the order most clients send, or hand the handler a file before its fields.
 */

/** The upload objects of a request, by field, for the handler's `files`. */
const requestFiles = new WeakMap<FastifyRequest, Record<string, unknown>>()

/** The handler's `files` of a request to a route with `options.files`. */
export function filesOf(request: FastifyRequest): Record<string, unknown> | undefined {
  return requestFiles.get(request)
}

/** A route with `options.files`, and its checked fields. */
export interface FileRoute {
  readonly plan: RoutePlan
  readonly files: FilesPlan
}

/**
 * Mounts the routes with `files` where multipart is parsed for them alone:
 * every other route keeps answering 415 to a multipart body.
 */
export function registerFileRoutes(
  app: FastifyInstance,
  routes: readonly FileRoute[],
  timing: UploadTiming,
  bodyLimit: number,
  mount: (instance: FastifyInstance, plan: RoutePlan) => void,
): void {
  if (routes.length === 0) return
  void app.register(async (instance) => {
    // Multipart is the one body these routes read; any other reaches them
    // unread and is answered with DARA_ERR_FILES_NOT_MULTIPART.
    instance.removeAllContentTypeParsers()
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null))
    await instance.register(import('@fastify/multipart'))
    // Loaded only for an app with such routes: it brings the upload readers and their CSV parser.
    const { receiveFiles } = await import('./file-receive.ts')
    for (const route of routes) {
      await instance.register((child, _options, done) => {
        child.addHook('preValidation', async (request, reply) => {
          const { fields, files } = await receiveFiles(request, reply, route, timing, bodyLimit)
          request.body = fields
          requestFiles.set(request, files)
        })
        mount(child, route.plan)
        done()
      })
    }
  })
}
