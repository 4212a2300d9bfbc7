import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { CsvError, parse } from 'csv-parse'
import { DaraError } from '../errors.ts'

/**
 * What parsing a CSV file into rows may cost. A CSV file of a few MiB can
 * become hundreds of MiB of rows (every row repeats the header as its keys),
 * so the rows are bounded, not only the file.
 */
export interface CsvLimits {
  /** Rows after the header; more is refused with 413. Default 100,000. */
  readonly maxRows?: number
  /** Columns of the header; more is refused with 413. Default 1,000. */
  readonly maxColumns?: number
  /** The rows' size as JSON, in bytes; more is refused with 413. Default 32 MiB. */
  readonly maxBytes?: number
}

export const DEFAULT_CSV_LIMITS: Required<CsvLimits> = {
  maxRows: 100_000,
  maxColumns: 1_000,
  maxBytes: 32 * 1024 * 1024,
}

/**
 * Milliseconds of parsing between two turns of the event loop, so that other
 * requests are served meanwhile: by time, not rows, since a row may hold one
 * field or a thousand.
 */
const SLICE_MS = 10

/**
 * The parser parses each chunk it is given in one go: a 64 KiB chunk of short
 * rows is tens of milliseconds. In slices of 8 KiB, each turn of csvRows()
 * ends soon after SLICE_MS.
 */
const SLICE_BYTES = 8 * 1024

async function* inSlices(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length; at += SLICE_BYTES)
      yield chunk.subarray(at, at + SLICE_BYTES)
  }
}

/** The limits given, each checked, the others by default. */
export function csvLimits(given: CsvLimits = {}, where = 'csv'): Required<CsvLimits> {
  const out = { ...DEFAULT_CSV_LIMITS }
  for (const key of ['maxRows', 'maxColumns', 'maxBytes'] as const) {
    const value = given[key]
    if (value === undefined) continue
    if (!Number.isSafeInteger(value) || value < 1)
      throw new TypeError(`${where}.${key} must be a positive whole number`)
    out[key] = value
  }
  return out
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`
  return `${bytes} bytes`
}

/** One parsed row, and its size as JSON (exact for plain text, escapes aside). */
export interface CsvRow {
  readonly row: Record<string, string>
  readonly size: number
}

/**
 * Parses `stream` as CSV with its first line as the keys, one row at a time,
 * refusing a header wider than `maxColumns` and more than `maxRows` rows. The
 * parse yields to the event loop every SLICE_MS: a file that arrived at once
 * does not hold up every other request while it is parsed.
 */
export async function* csvRows(
  stream: Readable,
  limits: Required<CsvLimits>,
): AsyncGenerator<CsvRow> {
  let keys = 0
  const parser = parse({
    columns: (header: string[]) => {
      if (header.length > limits.maxColumns)
        throw new DaraError('DARA_ERR_UPLOAD_CSV_COLUMNS', header.length, limits.maxColumns)
      keys = header.reduce((sum, key) => sum + key.length, 0)
      return header
    },
    bom: true,
    skip_empty_lines: true,
  })
  // pipeline, not pipe: a source that fails (too large, cut short) must end the parser too.
  const piped = pipeline(stream, inSlices, parser)
  piped.catch(() => undefined)
  let count = 0
  let slice = performance.now()
  try {
    // With `columns` csv-parse yields one object per row, keyed by the header.
    for await (const parsed of parser) {
      const row = parsed as Record<string, string>
      if (++count > limits.maxRows) throw new DaraError('DARA_ERR_UPLOAD_CSV_ROWS', limits.maxRows)
      let size = keys + 2
      for (const key in row) size += (row[key]?.length ?? 0) + 6
      yield { row, size }
      if (performance.now() - slice > SLICE_MS) {
        await nextTurn()
        slice = performance.now()
      }
    }
  } catch (error) {
    if (error instanceof CsvError) throw new DaraError('DARA_ERR_UPLOAD_CSV', error.message)
    // A bound, or the stream's own error (too large, cut short): not the CSV's fault.
    throw error instanceof DaraError ? error : (stream.errored ?? error)
  } finally {
    // Stopped early (a bound, or the consumer gave up): the rest is not parsed.
    if (!parser.destroyed) parser.destroy()
  }
  if (stream.errored) throw stream.errored
}

/** The bound on the rows' size as JSON. */
export function tooManyBytes(limits: Required<CsvLimits>): DaraError {
  return new DaraError('DARA_ERR_UPLOAD_CSV_BYTES', formatSize(limits.maxBytes))
}

/** Text gathered into chunks of about this size before it is kept. */
const CHUNK_CHARS = 64 * 1024

/**
 * The answer of an upload without a resolver, `{ "status": "SUCCESS", "result": [rows] }`,
 * written as JSON row by row while the file is parsed: no array of row objects
 * is ever held, and no single call serializes the whole answer. Its size is
 * bounded by `maxBytes`, counted exactly on the JSON.
 */
export async function csvAnswer(stream: Readable, limits: Required<CsvLimits>): Promise<Buffer[]> {
  const chunks: Buffer[] = []
  let pending = '{"status":"SUCCESS","result":['
  let bytes = 0
  let first = true
  for await (const { row } of csvRows(stream, limits)) {
    const json = JSON.stringify(row)
    bytes += Buffer.byteLength(json) + 1
    if (bytes > limits.maxBytes) throw tooManyBytes(limits)
    pending += first ? json : `,${json}`
    first = false
    if (pending.length >= CHUNK_CHARS) {
      chunks.push(Buffer.from(pending))
      pending = ''
    }
  }
  chunks.push(Buffer.from(`${pending}]}`))
  return chunks
}
