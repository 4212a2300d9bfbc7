import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { DaraError } from '../errors.ts'

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
  /** The file parsed as CSV: one object per row, keyed by the header row. */
  rows(): Promise<Record<string, string>[]>
  /**
   * Streams the file into `folder` under a fresh safe name (a timestamp, a
   * random part and the client's name reduced to letters, digits, `.`, `-`
   * and `_`), through a temporary file renamed once the upload is complete.
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

export function createUploadFile(filename: string, mimetype: string, stream: Readable): UploadFile {
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
    async rows() {
      const rows: Record<string, string>[] = []
      // Loaded by the first CSV read: most apps never parse one.
      const { parse } = await import('csv-parse')
      const parser = parse({ columns: true, bom: true, skip_empty_lines: true })
      // pipeline, not pipe: a source that fails (too large, cut short) must end the parser too.
      const piped = pipeline(stream, parser)
      piped.catch(() => undefined)
      try {
        // With `columns: true` csv-parse yields one object per row, keyed by the header.
        for await (const row of parser) rows.push(row as Record<string, string>)
      } catch (error) {
        // A stream error (too large, cut short) is not the CSV's fault.
        if (stream.errored) throw stream.errored
        throw new DaraError(
          'DARA_ERR_UPLOAD_CSV',
          error instanceof Error ? error.message : String(error),
        )
      }
      if (stream.errored) throw stream.errored
      return rows
    },
    async saveTo(folder) {
      const name = `${Date.now()}-${randomUUID().slice(0, 8)}-${safeName(filename)}`
      const path = join(resolve(folder), name)
      const partial = join(resolve(folder), `.${name}.part`)
      const out = createWriteStream(partial, { flags: 'wx' })
      try {
        await pipeline(stream, out)
        await rename(partial, path)
      } catch (error) {
        await unlink(partial).catch(() => undefined)
        throw error
      }
      return { path, name, size: out.bytesWritten }
    },
  }
}
