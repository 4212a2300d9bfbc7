import type { CsvLimits } from './csv-rows.ts'
import type { UploadFile } from './upload-file.ts'

/** Turns an uploaded file into a result, sent back to the client as `result`. */
export type UploadResolver = (file: UploadFile, filename: string) => unknown

/** What the upload endpoint needs to know of one dropzone. */
export interface UploadSpec {
  readonly accept: string | undefined
  readonly resolver: UploadResolver | undefined
  readonly maxSize: number
  /** The bounds on the rows of a dropzone without a resolver. */
  readonly csv: Required<CsvLimits>
}

/** The default limit for a file handed to a resolver, which may stream it. */
export const DEFAULT_MAX_SIZE = 100 * 1024 * 1024

/** The default limit for a file parsed into rows: rows are held in memory and sent back. */
export const DEFAULT_CSV_MAX_SIZE = 10 * 1024 * 1024

/** What a dropzone without a resolver accepts: CSV and Excel (.xlsx) files, as Dara's does. */
export const CSV_ACCEPT =
  '.csv,text/csv,application/csv,text/x-csv,application/x-csv,text/comma-separated-values,text/x-comma-separated-values,' +
  '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
