// Dara's most used pair: a CSV file dropped on the page is shown in a Table,
// which pages, sorts and filters its rows on the server. Start it with
// `npm run example:upload-table`, or `npx dara start examples/upload-table/main.ts`,
// then open http://127.0.0.1:8000/.
import { ConfigurationBuilder } from 'dara-ts'
import { Heading, Stack, Table, Text, UploadDropzone, queryRows, refresh } from 'dara-ts/components'

/** The last file uploaded, as rows; one for the whole process (see README). */
let data: { name: string; rows: Record<string, string>[] } = { name: '', rows: [] }

/** The Table's endpoint: GET /api/upload-table/rows, a page of the rows in memory. */
export const csvRows = Table.rows('/upload-table/rows', (query) => queryRows(data.rows, query))

export const config = new ConfigurationBuilder()

config.addPage(
  'Data',
  new Stack([
    new Heading('CSV to table'),
    new UploadDropzone({
      accept: '.csv,text/csv',
      maxSize: 5 * 1024 * 1024,
      // The file is parsed as it arrives, bounded like any CSV upload.
      resolver: async (file, filename) => {
        const rows = await file.rows({ maxRows: 50_000 })
        data = { name: filename, rows }
        return { rows: rows.length }
      },
      onDrop: refresh(),
    }),
    new Text(() =>
      data.name === ''
        ? 'No file yet: drop a CSV file above.'
        : `${data.name}: ${data.rows.length} rows`,
    ),
    // The columns are the file's header, read again on each page load.
    new Table({ rows: csvRows, columns: () => Object.keys(data.rows[0] ?? {}), pageSize: 10 }),
  ]),
)
