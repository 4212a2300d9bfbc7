import type { MultipartFile } from '@fastify/multipart'
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { formatSize } from './csv-rows.ts'
import { partialName, sweepOnce, writingPartial } from './partial-files.ts'
import { toUploadError } from './upload-errors.ts'
import { createUploadFile, safeName, type UploadFile } from './upload-file.ts'
import { DaraError } from '../errors.ts'

/**
 * Where the files of routes with `options.files` wait for their handler: one
 * folder per user of the machine (the temporary folder is shared), readable by
 * that user alone. Its files are named as saveTo()'s partial files are, so that
 * what a crashed process left there goes at the next start's first upload.
 */
const SPOOL_DIR = join(tmpdir(), `dara-ts-files-${process.getuid?.() ?? 'user'}`)

/** A file received whole, on disk until the response is over. */
export interface SpooledFile {
  readonly path: string
  readonly size: number
}

/** The files one request spooled, removed together once its response is over. */
export class Spool {
  private readonly paths: string[] = []
  private readonly forgets: (() => void)[] = []
  private readonly streams: { destroy(): void }[] = []

  /**
   * Writes `part` to disk, failing with DARA_ERR_UPLOAD_TOO_LARGE past
   * `maxSize` bytes; the stream is read at the pace the disk takes it, so
   * memory stays bounded whatever the file's size.
   */
  async write(part: MultipartFile, maxSize: number, staleAfterMs: number): Promise<SpooledFile> {
    mkdirSync(SPOOL_DIR, { recursive: true, mode: 0o700 })
    await sweepOnce(SPOOL_DIR, staleAfterMs)
    const path = join(
      SPOOL_DIR,
      partialName(`${Date.now()}-${randomUUID().slice(0, 8)}-${safeName(part.filename)}`),
    )
    // Known before a byte is written: whatever happens next, remove() finds it.
    this.paths.push(path)
    this.forgets.push(writingPartial(path))
    const tooLarge = (): DaraError =>
      new DaraError('DARA_ERR_UPLOAD_TOO_LARGE', formatSize(maxSize))
    let size = 0
    const bounded = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        done(size > maxSize ? tooLarge() : null, chunk)
      },
    })
    try {
      await pipeline(part.file, bounded, createWriteStream(path, { flags: 'wx', mode: 0o600 }))
    } catch (error) {
      // The part's own error first: the guard destroys it with why (too slow, gone).
      throw toUploadError(
        part.file.errored instanceof DaraError ? part.file.errored : error,
        tooLarge,
      )
    }
    return { path, size }
  }

  /** The upload object over a spooled file, as a resolver of the built-in upload gets it. */
  open(part: MultipartFile, file: SpooledFile, staleAfterMs: number): UploadFile {
    const stream = createReadStream(file.path)
    this.streams.push(stream)
    return createUploadFile(part.filename, part.mimetype, stream, { staleAfterMs })
  }

  /** Closes and removes every file of the request; errors (already gone) are ignored. */
  async remove(): Promise<void> {
    for (const stream of this.streams.splice(0)) stream.destroy()
    await Promise.all(this.paths.splice(0).map((path) => unlink(path).catch(() => undefined)))
    for (const forget of this.forgets.splice(0)) forget()
  }
}
