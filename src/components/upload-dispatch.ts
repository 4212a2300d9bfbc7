import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { DaraError } from '../errors.ts'
import { HttpError } from '../http/http-error.ts'
import { csvAnswer } from './csv-rows.ts'
import { toUploadError } from './upload-errors.ts'
import { createUploadFile } from './upload-file.ts'
import type { UploadTiming } from './upload-registry.ts'
import type { UploadSpec } from './upload-spec.ts'
import { isXlsx, xlsxAnswer } from './xlsx-rows.ts'

/** What a dropzone without a resolver answers: its rows, already written as JSON. */
export class CsvAnswer {
  constructor(readonly chunks: Buffer[]) {}
}

/**
 * Hands a file to its dropzone: to the resolver, or, without one, parsed into
 * rows (Excel for an .xlsx file, else CSV). Whatever the resolver leaves
 * unread is read to the end, so that the size limit holds.
 */
export async function dispatch(
  spec: UploadSpec,
  filename: string,
  mimetype: string,
  stream: Readable,
  timing: UploadTiming,
  tooLarge: () => DaraError,
): Promise<unknown> {
  const file = createUploadFile(filename, mimetype, stream, { staleAfterMs: timing.timeout })
  try {
    const result = spec.resolver
      ? await spec.resolver(file, filename)
      : new CsvAnswer(
          isXlsx(filename, mimetype)
            ? await xlsxAnswer(await file.bytes(), spec.csv)
            : await csvAnswer(stream, spec.csv),
        )
    if (!stream.readableEnded && !stream.destroyed) await drain(stream)
    if (stream.errored) throw stream.errored
    return result
  } catch (error) {
    throw toUploadError(causeOf(error, stream.errored), tooLarge)
  }
}

/**
 * Why the upload failed: the error the part was destroyed with when it is ours
 * (too large, too slow), else the resolver's own choice, else the stream's
 * (the client cut it short).
 */
function causeOf(error: unknown, streamError: Error | null): unknown {
  if (streamError instanceof DaraError) return streamError
  if (error instanceof DaraError || error instanceof HttpError) return error
  return streamError ?? error
}

async function drain(stream: Readable): Promise<void> {
  stream.resume()
  await finished(stream)
}
