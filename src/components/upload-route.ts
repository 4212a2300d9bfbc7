import type { MultipartFile } from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Readable } from 'node:stream'
import { z } from 'zod'
import { DaraError } from '../errors.ts'
import { frameworkRoute } from '../http/framework-routes.ts'
import { HttpError } from '../http/http-error.ts'
import { post } from '../http/methods.ts'
import { accepts } from './accept.ts'
import { formatSize } from './csv-rows.ts'
import { CsvAnswer, dispatch } from './upload-dispatch.ts'
import { toUploadError } from './upload-errors.ts'
import { receiveByField } from './upload-form-id.ts'
import { UploadGuard } from './upload-guard.ts'
import { Spool } from './upload-spool.ts'
import {
  markUploadRoute,
  uploadObserverOf,
  uploadRegistryOf,
  uploadTimingOf,
  type UploadTiming,
} from './upload-registry.ts'
import type { UploadSpec } from './upload-spec.ts'

/** Room for the multipart envelope around the file (boundaries, part headers, small fields). */
const ENVELOPE_BYTES = 64 * 1024

/**
 * The endpoint behind every UploadDropzone: `POST /api/core/data/upload`,
 * authenticated, taking the file as multipart/form-data (field `data`) and
 * the dropzone's id as the query parameter `resolver_id`, or as a form field of
 * that name, before or after the file, as Dara's dropzone sends it (the file is
 * then spooled until the id is known). The file is streamed to the dropzone's
 * resolver; for a dropzone without a resolver, a CSV or Excel (.xlsx) file is
 * parsed into rows (bounded: see `UploadDropzone`'s `csv`). Answers
 * `{ "status": "SUCCESS", "result": <what the resolver returned> }`.
 *
 * It is mounted whenever an UploadDropzone is used, and reaches only the
 * dropzones of the app's pages, by id: a script uploads to one of them with its
 * id (`GET /api/core/pages/:path` lists them). Adding it alone with
 * `config.addEndpoint(upload)` mounts a route that every request without such
 * an id gets a 400 from.
 *
 * @example
 * ```ts
 * import { ConfigurationBuilder } from 'dara-ts'
 * import { upload } from 'dara-ts/endpoints'
 *
 * export const config = new ConfigurationBuilder()
 * config.addEndpoint(upload)
 * ```
 */
export const upload = frameworkRoute(
  post(
    '/core/data/upload',
    {
      query: z.object({ resolver_id: z.string().min(1).max(200).optional() }),
      summary: 'Receives one file for an UploadDropzone and hands it to its resolver',
    },
    async function upload({ request, reply, query }) {
      const received: Received = { file: undefined }
      const observe = uploadObserverOf(request.server)
      let guard: UploadGuard | undefined
      try {
        const registry = uploadRegistryOf(request.server)
        const timing = uploadTimingOf(request.server)
        if (query.resolver_id === undefined) {
          // Chosen by id, or nothing: a request without one must not reach the
          // CSV parser of an app that has no dropzone without a resolver. Dara's
          // dropzone sends the id as a form field, after the file.
          if (registry.size === 0 || !request.isMultipart())
            throw new DaraError('DARA_ERR_UPLOAD_RESOLVER_MISSING')
          const spool = new Spool()
          reply.raw.once('close', () => void spool.remove())
          guard = new UploadGuard(request.raw, timing)
          const work = receiveByField(request, registry, received, guard, timing, spool)
          const result = await guard.run(work)
          observe?.('success', received.file?.bytesRead ?? 0)
          return answer(reply, result)
        }
        const spec = registry.get(query.resolver_id)
        if (!spec) throw new DaraError('DARA_ERR_UPLOAD_RESOLVER_UNKNOWN', query.resolver_id)
        guard = new UploadGuard(request.raw, timing)
        const result = await guard.run(receive(request, spec, received, guard, timing))
        observe?.('success', received.file?.bytesRead ?? 0)
        return answer(reply, result)
      } catch (error) {
        observe?.(outcomeOf(error), received.file?.bytesRead ?? 0)
        throw error
      } finally {
        guard?.end()
        // A part left unread (refused, or the resolver failed) goes: the rest
        // of the body is then read away by the server, within its bounds.
        if (received.file && !received.file.readableEnded) received.file.destroy()
      }
    },
  ),
)
markUploadRoute(upload)

function answer(reply: FastifyReply, result: unknown): unknown {
  if (result instanceof CsvAnswer) {
    void reply.type('application/json; charset=utf-8')
    return Readable.from(result.chunks)
  }
  return { status: 'SUCCESS', result: result ?? null }
}

/** The file part being received, once there is one; busboy counts its bytes. */
export interface Received {
  file: (Readable & { bytesRead?: number }) | undefined
}

/** How an upload that failed is counted: its error code, or who refused it. */
function outcomeOf(error: unknown): string {
  if (error instanceof DaraError) return error.code
  // The resolver refused the file with a status of its own choice.
  if (error instanceof HttpError) return 'rejected'
  return 'error'
}

async function receive(
  request: FastifyRequest,
  spec: UploadSpec,
  received: Received,
  guard: UploadGuard,
  timing: UploadTiming,
): Promise<unknown> {
  const tooLarge = (): DaraError =>
    new DaraError('DARA_ERR_UPLOAD_TOO_LARGE', formatSize(spec.maxSize))
  if (!request.isMultipart()) {
    throw new DaraError(
      'DARA_ERR_UPLOAD_NOT_MULTIPART',
      request.headers['content-type']?.split(';', 1)[0] ?? 'no content type',
    )
  }
  // A declared length over the limit is refused before a byte of the body is read.
  const declared = Number(request.headers['content-length'])
  if (declared > spec.maxSize + ENVELOPE_BYTES) throw tooLarge()

  let part: MultipartFile | undefined
  try {
    part = await request.file({
      limits: { fileSize: spec.maxSize, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
    })
  } catch (error) {
    throw toUploadError(error, tooLarge)
  }
  if (!part) throw new DaraError('DARA_ERR_UPLOAD_NO_FILE')
  const stream = part.file
  received.file = stream
  guard.watch(stream)
  if (!accepts(spec.accept, part.filename, part.mimetype)) {
    throw new DaraError('DARA_ERR_UPLOAD_TYPE', part.mimetype || 'unknown', spec.accept ?? '*')
  }
  // Busboy ends a file cut at the limit as if it were whole; fail it instead,
  // so that no resolver ever takes a truncated file for a complete one.
  // The limit may already be behind us when the part is handed over: busboy
  // parses what has arrived before anyone reads.
  if (stream.truncated) stream.destroy(tooLarge())
  else stream.once('limit', () => stream.destroy(tooLarge()))

  return dispatch(spec, part.filename, part.mimetype, stream, timing, tooLarge)
}
