import { useEffect, useState } from 'react'
import { apiGet } from '../api.ts'
import { text, type ViewProps } from '../view.ts'
import './table.css'

interface Column {
  readonly key: string
  readonly label: string
}

interface Page {
  readonly rows: readonly Record<string, unknown>[]
  readonly total: number
}

type Sort = { readonly column: string; readonly order: 'asc' | 'desc' } | null

/** The columns the server named, or null to take them from the rows. */
function columnsOf(value: unknown): Column[] | null {
  if (!Array.isArray(value)) return null
  return value.flatMap((item: unknown) =>
    typeof item === 'object' && item !== null && 'key' in item && typeof item.key === 'string'
      ? [{ key: item.key, label: 'label' in item ? text(item.label) : item.key }]
      : [],
  )
}

/** Filters are sent once typing pauses for this long. */
const TYPING_MS = 300

/**
 * A page of rows from the Table's endpoint: the endpoint sorts, filters and
 * pages; this asks for what the user chose and draws the answer. A new page
 * load (after an upload's refresh) asks again.
 */
export function TableView({ node }: ViewProps) {
  const endpoint = typeof node.props['endpoint'] === 'string' ? node.props['endpoint'] : ''
  const pageSize = typeof node.props['pageSize'] === 'number' ? node.props['pageSize'] : 20
  const filterable = node.props['filterable'] !== false
  const given = columnsOf(node.props['columns'])
  const [offset, setOffset] = useState(0)
  const [sort, setSort] = useState<Sort>(null)
  const [typed, setTyped] = useState<Record<string, string>>({})
  const [filters, setFilters] = useState<Record<string, string>>({})
  const [page, setPage] = useState<Page | null>(null)
  const [seen, setSeen] = useState<Column[]>([])
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (JSON.stringify(typed) === JSON.stringify(filters)) return undefined
    const timer = setTimeout(() => {
      setFilters(typed)
      setOffset(0)
    }, TYPING_MS)
    return () => clearTimeout(timer)
  }, [typed, filters])

  useEffect(() => {
    const query = new URLSearchParams({ offset: String(offset), limit: String(pageSize) })
    if (sort) {
      query.set('sort', sort.column)
      query.set('order', sort.order)
    }
    for (const [key, value] of Object.entries(filters))
      if (value !== '') query.set(`filter[${key}][contains]`, value)
    let live = true
    apiGet<Page>(`${endpoint}?${query.toString()}`)
      .then((answer) => {
        if (!live) return
        // Past the end (the rows changed under a later page): go to the last page.
        if (answer.rows.length === 0 && offset > 0 && answer.total > 0) {
          setOffset(Math.floor((answer.total - 1) / pageSize) * pageSize)
          return
        }
        setPage(answer)
        setError(null)
        // Without named columns, the keys of the rows seen, kept while a filter empties the page.
        const keys = new Set(answer.rows.flatMap((row) => Object.keys(row)))
        if (keys.size > 0) setSeen([...keys].map((key) => ({ key, label: key })))
      })
      .catch((failure: unknown) => {
        if (live) setError(failure instanceof Error ? failure.message : String(failure))
      })
    return () => {
      live = false
    }
    // `node` changes on each page load: the rows may have changed too.
  }, [endpoint, pageSize, offset, sort, filters, node])

  const columns = given && given.length > 0 ? given : seen
  const total = page?.total ?? 0
  const shown = page?.rows.length ?? 0
  const turn = (to: number) => setOffset(Math.max(0, to))
  const toggle = (column: string) => {
    setOffset(0)
    setSort((current) =>
      current?.column !== column
        ? { column, order: 'asc' }
        : current.order === 'asc'
          ? { column, order: 'desc' }
          : null,
    )
  }

  return (
    <div className="dara-table">
      {error !== null && (
        <p role="alert" className="dara-error">
          {error}
        </p>
      )}
      <table>
        <thead>
          <tr>
            {columns.map((column) => {
              const order = sort?.column === column.key ? sort.order : null
              return (
                <th
                  key={column.key}
                  aria-sort={
                    order === 'asc' ? 'ascending' : order === 'desc' ? 'descending' : undefined
                  }
                >
                  <button type="button" onClick={() => toggle(column.key)}>
                    {column.label}
                    {order === 'asc' ? ' ▲' : order === 'desc' ? ' ▼' : ''}
                  </button>
                </th>
              )
            })}
          </tr>
          {filterable && columns.length > 0 && (
            <tr>
              {columns.map((column) => (
                <th key={column.key}>
                  <input
                    type="search"
                    aria-label={`Filter ${column.label}`}
                    placeholder="Filter"
                    value={typed[column.key] ?? ''}
                    onChange={(event) => setTyped({ ...typed, [column.key]: event.target.value })}
                  />
                </th>
              ))}
            </tr>
          )}
        </thead>
        <tbody>
          {page?.rows.map((row, i) => (
            <tr key={offset + i}>
              {columns.map((column) => (
                <td key={column.key}>{text(row[column.key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dara-table-pager">
        <button type="button" disabled={offset === 0} onClick={() => turn(offset - pageSize)}>
          Previous
        </button>
        <span role="status">
          {page === null
            ? 'Loading…'
            : total === 0
              ? 'No rows'
              : `Rows ${offset + 1}–${offset + shown} of ${total}`}
        </span>
        <button
          type="button"
          disabled={offset + pageSize >= total}
          onClick={() => turn(offset + pageSize)}
        >
          Next
        </button>
      </div>
    </div>
  )
}
