import { ComponentInstance } from '../definitions/component-instance.ts'
import type { Action } from './actions.ts'
import { csvLimits, type CsvLimits } from './csv-rows.ts'
import { setUploadSpec } from './upload-registry.ts'
import { upload } from './upload-route.ts'
import {
  CSV_ACCEPT,
  DEFAULT_CSV_MAX_SIZE,
  DEFAULT_MAX_SIZE,
  type UploadResolver,
} from './upload-spec.ts'

/** The options of an UploadDropzone. */
export interface UploadDropzoneProps {
  /**
   * Accepted files, as an `<input accept>` takes them: extensions and content
   * types, comma-separated (`'.csv,text/csv'`, `'image/*'`). Default: CSV and
   * Excel (.xlsx) files without a resolver, any file with one.
   */
  readonly accept?: string
  /**
   * Receives each uploaded file; without it, a CSV file is parsed into rows,
   * and an Excel file (.xlsx) too: its first sheet, keyed by its header row.
   */
  readonly resolver?: UploadResolver
  /** What the UI does after a successful upload. */
  readonly onDrop?: Action
  /** Also upload text pasted anywhere on the page, as a file named `pasted_data`. */
  readonly enablePaste?: boolean
  /**
   * The largest file accepted, in bytes; larger ones get 413. Default: 100 MiB
   * with a resolver, 10 MiB without (the rows are held in memory).
   */
  readonly maxSize?: number
  /**
   * Without a resolver, the bounds on the rows the file (CSV or Excel) is parsed into, each
   * answered with 413 past it: `maxRows` (default 100,000), `maxColumns`
   * (1,000) and `maxBytes`, their size as JSON (32 MiB).
   */
  readonly csv?: CsvLimits
}

/**
 * A zone where users drop, choose or paste a file; the file is streamed to the
 * `upload` endpoint, which this component mounts, and handed to `resolver`.
 * Each dropzone gets its own id when the app starts, so its resolver is found
 * by id, and only the dropzones of this app can be reached.
 *
 * @example
 * ```ts
 * import { UploadDropzone, refresh } from 'dara-ts/components'
 *
 * const dropzone = new UploadDropzone({
 *   accept: '.csv',
 *   maxSize: 10 * 1024 * 1024,
 *   resolver: (file) => file.saveTo('uploads'),
 *   onDrop: refresh(),
 * })
 * ```
 */
export class UploadDropzone extends ComponentInstance {
  static override requiredRoutes = [upload]

  constructor(props: UploadDropzoneProps = {}) {
    const maxSize = props.maxSize ?? (props.resolver ? DEFAULT_MAX_SIZE : DEFAULT_CSV_MAX_SIZE)
    if (!Number.isSafeInteger(maxSize) || maxSize <= 0) {
      throw new TypeError('UploadDropzone: maxSize must be a positive whole number of bytes')
    }
    if (props.resolver !== undefined && typeof props.resolver !== 'function') {
      throw new TypeError('UploadDropzone: resolver must be a function (file, filename) => ...')
    }
    const csv = csvLimits(props.csv, 'UploadDropzone: csv')
    const accept = props.accept ?? (props.resolver ? undefined : CSV_ACCEPT)
    super({
      accept: accept ?? null,
      onDrop: props.onDrop ?? null,
      enablePaste: props.enablePaste ?? false,
      maxSize,
    })
    setUploadSpec(this, { accept, resolver: props.resolver, maxSize, csv })
  }
}
