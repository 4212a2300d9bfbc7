import { DaraError } from '../errors.ts'
import { HttpError } from '../http/http-error.ts'

/** Errors of the upload itself become the client's errors; the resolver's own stay as they are. */
export function toUploadError(error: unknown, tooLarge: () => DaraError): unknown {
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
