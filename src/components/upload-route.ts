import type { MultipartFile } from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { z } from 'zod'
import { DaraError } from '../errors.ts'
import { frameworkRoute } from '../http/framework-routes.ts'
import { HttpError } from '../http/http-error.ts'
import { post } from '../http/methods.ts'
import { accepts } from './accept.ts'
import { createUploadFile } from './upload-file.ts'
import { markUploadRoute, uploadObserverOf, uploadRegistryOf } from './upload-registry.ts'
import { DEFAULT_SPEC, type UploadSpec } from './upload-spec.ts'

/** How long a refused upload may go on sending before its connection is cut. */
const DISCARD_MS = 10_000

/** Room for the multipart envelope around the file (boundaries, part headers, small fields). */
const ENVELOPE_BYTES = 64 * 1024

/**
 * The endpoint behind every UploadDropzone: `POST /api/core/data/upload`,
 * authenticated, taking the file as multipart/form-data (field `data`) and
 * the dropzone's id as the query parameter `resolver_id`. The file is streamed
 * to the dropzone's resolver; without a `resolver_id`, or for a dropzone
 * without a resolver, a CSV file is parsed into rows. Answers
 * `{ "status": "SUCCESS", "result": <what the resolver returned> }`.
 *
 * It is mounted whenever an UploadDropzone is used; mount it yourself with
 * `config.addEndpoint(upload)` to take CSV uploads from scripts.
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
      try {
        const spec =
          query.resolver_id === undefined
            ? DEFAULT_SPEC
            : uploadRegistryOf(request.server).get(query.resolver_id)
        if (!spec) throw new DaraError('DARA_ERR_UPLOAD_RESOLVER_UNKNOWN', query.resolver_id)
        const result = (await receive(request, spec, received)) ?? null
        // Past the handler timeout the client was answered 503: not a success.
        observe?.(
          reply.sent ? 'DARA_ERR_REQUEST_TIMEOUT' : 'success',
          received.file?.bytesRead ?? 0,
        )
        return { status: 'SUCCESS', result }
      } catch (error) {
        observe?.(outcomeOf(error), received.file?.bytesRead ?? 0)
        discardRest(request, reply)
        throw error
      }
    },
  ),
)
markUploadRoute(upload)

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`
  return `${bytes} bytes`
}

/** The file part being received, once there is one; busboy counts its bytes. */
interface Received {
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
  if (!accepts(spec.accept, part.filename, part.mimetype)) {
    stream.resume()
    throw new DaraError('DARA_ERR_UPLOAD_TYPE', part.mimetype || 'unknown', spec.accept ?? '*')
  }
  // Busboy ends a file cut at the limit as if it were whole; fail it instead,
  // so that no resolver ever takes a truncated file for a complete one.
  // The limit may already be behind us when the part is handed over: busboy
  // parses what has arrived before anyone reads.
  if (stream.truncated) stream.destroy(tooLarge())
  else stream.once('limit', () => stream.destroy(tooLarge()))

  const file = createUploadFile(part.filename, part.mimetype, stream)
  try {
    const result = spec.resolver ? await spec.resolver(file, part.filename) : await file.rows()
    // Whatever the resolver left unread is read to the end, so that the limit holds.
    if (!stream.readableEnded && !stream.destroyed) await drain(stream)
    if (stream.errored) throw stream.errored
    return result
  } catch (error) {
    throw toUploadError(stream.errored ?? error, tooLarge)
  }
}

/**
 * After a refusal, the client is usually still sending: a browser reads the
 * answer only once its body is sent. The rest is read and thrown away, for
 * DISCARD_MS at most, and the connection closes after the answer, so that a
 * refused upload neither hangs nor keeps a connection stuck on unread bytes.
 */
function discardRest(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw
  if (raw.complete || raw.destroyed) return
  reply.header('connection', 'close')
  const timer = setTimeout(() => raw.destroy(), DISCARD_MS).unref()
  raw.once('close', () => clearTimeout(timer))
  raw.resume()
}

async function drain(stream: Readable): Promise<void> {
  stream.resume()
  await finished(stream)
}

/** Errors of the upload itself become the client's errors; the resolver's own stay as they are. */
function toUploadError(error: unknown, tooLarge: () => DaraError): unknown {
  if (error instanceof DaraError || error instanceof HttpError) return error
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge()
    if (error.code === 'FST_MP_PREMATURE_CLOSE' || error.code === 'ERR_STREAM_PREMATURE_CLOSE')
      return new DaraError('DARA_ERR_UPLOAD_ABORTED')
  }
  if (error instanceof Error && /terminated early|Unexpected end of form/i.test(error.message))
    return new DaraError('DARA_ERR_UPLOAD_ABORTED')
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    // @fastify/multipart's limits on fields, parts and files.
    if (/^FST_(FIELDS|PARTS|FILES)_LIMIT$/.test(error.code))
      return new DaraError('DARA_ERR_UPLOAD_TOO_MANY_PARTS', error.message)
    if (error.code.startsWith('FST_') && 'statusCode' in error && Number(error.statusCode) < 500)
      return new DaraError('DARA_ERR_UPLOAD_MALFORMED', error.message)
  }
  // busboy's own parse errors carry no code: a body that does not follow its boundary.
  if (
    error instanceof Error &&
    /^(Multipart: |Malformed|Unexpected end of multipart)/.test(error.message)
  )
    return new DaraError('DARA_ERR_UPLOAD_MALFORMED', error.message)
  return error
}
