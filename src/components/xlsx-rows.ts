import { DaraError } from '../errors.ts'
import { formatSize, type CsvLimits } from './csv-rows.ts'
import { checkUnpackedSize } from './xlsx-zip.ts'

/**
 * The most an .xlsx file may unpack to. Its first sheet is read whole into
 * memory (as pandas reads it for Dara), so this bounds the reader's memory;
 * a sheet's XML is several times the size of its rows as JSON.
 */
export const XLSX_MAX_UNPACKED = 64 * 1024 * 1024

/** The content type of .xlsx files. */
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Whether a file without a resolver is read as Excel: by its name, else its content type. */
export function isXlsx(filename: string, mimetype: string): boolean {
  return filename.toLowerCase().endsWith('.xlsx') || mimetype.toLowerCase() === XLSX_TYPE
}

/** One cell as JSON carries it: dates as ISO strings, empty cells null. */
function cell(value: unknown): string | number | boolean | null {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value
  return null
}

/**
 * The answer of an upload of an .xlsx file without a resolver, as csvAnswer()
 * gives for CSV: `{ "status": "SUCCESS", "result": [rows] }` from the first
 * sheet, keyed by its header row (an empty header cell becomes `column_<n>`,
 * as Dara names unnamed columns), within the same row, column and size bounds.
 * The reader (read-excel-file) is loaded at the first Excel upload.
 */
export async function xlsxAnswer(file: Buffer, limits: Required<CsvLimits>): Promise<Buffer[]> {
  const limit = (why: string): DaraError => new DaraError('DARA_ERR_UPLOAD_XLSX_LIMIT', why)
  await checkUnpackedSize(file, XLSX_MAX_UNPACKED)
  const { readSheet } = await import('read-excel-file/node')
  let sheet: unknown[][]
  try {
    sheet = await readSheet(file)
  } catch (error) {
    throw new DaraError(
      'DARA_ERR_UPLOAD_XLSX',
      error instanceof Error ? error.message : 'its first sheet cannot be read',
    )
  }
  const [header = [], ...rows] = sheet
  if (header.length > limits.maxColumns)
    throw limit(`has ${header.length} columns, more than the ${limits.maxColumns} allowed`)
  if (rows.length > limits.maxRows) throw limit(`has more than ${limits.maxRows} rows`)
  const keys = header.map((value, i) => {
    const name = cell(value)
    return name === null || name === '' ? `column_${i}` : String(name)
  })
  const chunks: Buffer[] = [Buffer.from('{"status":"SUCCESS","result":[')]
  let bytes = 0
  for (const [n, row] of rows.entries()) {
    const object: Record<string, unknown> = {}
    keys.forEach((key, i) => (object[key] = cell(row[i])))
    const json = Buffer.from(n === 0 ? JSON.stringify(object) : `,${JSON.stringify(object)}`)
    bytes += json.length
    if (bytes > limits.maxBytes)
      throw limit(`takes more than ${formatSize(limits.maxBytes)} as JSON`)
    chunks.push(json)
  }
  chunks.push(Buffer.from(']}'))
  return chunks
}
