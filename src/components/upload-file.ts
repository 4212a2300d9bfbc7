import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { csvLimits, csvRows, tooManyBytes, type CsvLimits } from './csv-rows.ts'
import { partialName, sweepOnce, writingPartial } from './partial-files.ts'

/** Where saveTo() put a file. */
export interface SavedFile {
  /** The absolute path of the file on disk. */
  readonly path: string
  /** Its name in the folder: made by dara-ts, never the client's path. */
  readonly name: string
  /** Its size in bytes. */
  readonly size: number
}

/**
 * One uploaded file, as a resolver receives it. Its bytes arrive as they are
 * sent: read them once, through `stream`, `bytes()`, `text()`, `rows()` or
 * `saveTo()`. A file larger than the limit, or cut short by the client, makes
 * each of them fail, and saveTo() leaves nothing on disk.
 */
export interface UploadFile {
  /** The name the client sent, for display only: never use it as a path. */
  readonly filename: string
  /** The content type the client sent. */
  readonly mimetype: string
  /** The file's bytes as they arrive. */
  readonly stream: Readable
  /** The whole file in memory. */
  bytes(): Promise<Buffer>
  /** The whole file, decoded as UTF-8. */
  text(): Promise<string>
  /**
   * The file parsed as CSV: one object per row, keyed by the header row. The
   * rows are bounded (default 100,000 rows, 1,000 columns, 32 MiB as JSON):
   * past a bound it fails with 413 and keeps nothing.
   */
  rows(limits?: CsvLimits): Promise<Record<string, string>[]>
  /**
   * Streams the file into `folder` under a fresh safe name (a timestamp, a
   * random part and the client's name reduced to letters, digits, `.`, `-`
   * and `_`), through a temporary file renamed once the upload is complete.
   * A failed or abandoned upload removes its temporary file; the first save
   * into a folder also removes those a crashed process left there.
   */
  saveTo(folder: string): Promise<SavedFile>
}

/** The client's file name reduced to a safe file name, at most 80 characters. */
export function safeName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? ''
  const cleaned = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-80)
  return cleaned || 'file'
}

/** How the files of one upload route behave. */
export interface UploadFileOptions {
  /** How long an upload may last: an older temporary file belongs to none. */
  readonly staleAfterMs: number
}

export function createUploadFile(
  filename: string,
  mimetype: string,
  stream: Readable,
  options: UploadFileOptions,
): UploadFile {
  const bytes = async (): Promise<Buffer> => {
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
    return Buffer.concat(chunks)
  }
  return {
    filename,
    mimetype,
    stream,
    bytes,
    text: async () => (await bytes()).toString('utf8'),
    async rows(limits) {
      const bounds = csvLimits(limits, 'rows()')
      const rows: Record<string, string>[] = []
      let size = 0
      for await (const { row, size: rowSize } of csvRows(stream, bounds)) {
        size += rowSize
        if (size > bounds.maxBytes) throw tooManyBytes(bounds)
        rows.push(row)
      }
      return rows
    },
    async saveTo(folder) {
      const dir = resolve(folder)
      await sweepOnce(dir, options.staleAfterMs)
      const name = `${Date.now()}-${randomUUID().slice(0, 8)}-${safeName(filename)}`
      const path = join(dir, name)
      const partial = join(dir, partialName(name))
      const done = writingPartial(partial)
      const out = createWriteStream(partial, { flags: 'wx' })
      try {
        // A source destroyed mid-way (the client gone, too slow, too large)
        // fails the pipeline, which closes the file: then it is removed.
        await pipeline(stream, out)
        await rename(partial, path)
      } catch (error) {
        await unlink(partial).catch(() => undefined)
        throw error
      } finally {
        done()
      }
      return { path, name, size: out.bytesWritten }
    },
  }
}
