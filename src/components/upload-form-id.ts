import type { MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { DaraError } from '../errors.ts'
import { accepts } from './accept.ts'
import { formatSize } from './csv-rows.ts'
import { dispatch } from './upload-dispatch.ts'
import { toUploadError } from './upload-errors.ts'
import type { UploadGuard } from './upload-guard.ts'
import type { Received } from './upload-route.ts'
import type { UploadRegistry, UploadTiming } from './upload-registry.ts'
import type { Spool } from './upload-spool.ts'

/** The form field that names the dropzone, as Dara's dropzone sends it. */
const ID_FIELD = 'resolver_id'

/**
 * An upload whose dropzone is named by the form field `resolver_id` rather
 * than the query. A browser's FormData sends fields in the order they were
 * appended, and Dara's dropzone appends the file first: the dropzone (its
 * limit, accept list and resolver) is unknown while the file streams. So the
 * file is spooled to a temporary file under the largest limit of the app's
 * dropzones (memory stays bounded; the slow-upload guard applies), then, once
 * the id is read, checked against its dropzone's own limit and accept list and
 * handed over as if it had just arrived.
 */
export async function receiveByField(
  request: FastifyRequest,
  registry: UploadRegistry,
  received: Received,
  guard: UploadGuard,
  timing: UploadTiming,
  spool: Spool,
): Promise<unknown> {
  const largest = Math.max(...[...registry.values()].map((spec) => spec.maxSize))
  const tooLargeFor = (bytes: number) => (): DaraError =>
    new DaraError('DARA_ERR_UPLOAD_TOO_LARGE', formatSize(bytes))
  let id: string | undefined
  let file: { part: MultipartFile; path: string; size: number } | undefined
  try {
    const parts = request.parts({
      limits: { fileSize: largest + 1, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
    })
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname === ID_FIELD && typeof part.value === 'string') id = part.value
        continue
      }
      received.file = part.file
      guard.watch(part.file)
      const spooled = await spool.write(part, largest, timing.timeout)
      file = { part, ...spooled }
    }
  } catch (error) {
    throw toUploadError(error, tooLargeFor(largest))
  }
  if (id === undefined || id === '') throw new DaraError('DARA_ERR_UPLOAD_RESOLVER_MISSING')
  const spec = registry.get(id)
  if (!spec) throw new DaraError('DARA_ERR_UPLOAD_RESOLVER_UNKNOWN', id.slice(0, 200))
  if (!file) throw new DaraError('DARA_ERR_UPLOAD_NO_FILE')
  const { part } = file
  if (!accepts(spec.accept, part.filename, part.mimetype))
    throw new DaraError('DARA_ERR_UPLOAD_TYPE', part.mimetype || 'unknown', spec.accept ?? '*')
  if (file.size > spec.maxSize) throw tooLargeFor(spec.maxSize)()
  const upload = spool.open(part, file, timing.timeout)
  return dispatch(
    spec,
    part.filename,
    part.mimetype,
    upload.stream,
    timing,
    tooLargeFor(spec.maxSize),
  )
}
