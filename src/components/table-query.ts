import { z } from 'zod'

/** How a Table's rows are ordered: one column, up or down. */
export interface TableSort {
  readonly column: string
  readonly direction: 'asc' | 'desc'
}

/**
 * One filter on a column: `contains` keeps the rows whose cell holds `value`,
 * ignoring case; `equals` those whose cell, as text, is exactly `value`.
 */
export interface TableFilter {
  readonly column: string
  readonly op: 'contains' | 'equals'
  readonly value: string
}

/** What a Table's rows endpoint is asked for: one page of the sorted, filtered rows. */
export interface TableQuery {
  /** Rows to skip, from 0. */
  readonly offset: number
  /** Rows to answer at most, from 1 to the endpoint's `maxLimit`. */
  readonly limit: number
  readonly sort: TableSort | undefined
  /** Every filter must hold (AND); empty for none. */
  readonly filter: readonly TableFilter[]
}

/** What a rows endpoint answers: one page of rows, and how many rows match in all. */
export interface TableRows {
  readonly rows: readonly Readonly<Record<string, unknown>>[]
  readonly total: number
}

/** The bounds of a rows endpoint's query. */
export interface TableQueryOptions {
  /**
   * The columns that may be sorted and filtered on; another one answers 422.
   * Give them whenever the handler passes a column name on (to SQL, say).
   * Default: any column name.
   */
  readonly columns?: readonly string[]
  /** The largest `limit` a client may ask for; more answers 422. Default 100. */
  readonly maxLimit?: number
}

/** `limit` when the client sends none, unless `maxLimit` is smaller. */
export const DEFAULT_LIMIT = 20
export const DEFAULT_MAX_LIMIT = 100
/** Bounds on what a client may send, so that a query costs what a page costs. */
const MAX_FILTERS = 20
const MAX_TEXT = 1000

/** `filter[<column>][contains]` or `filter[<column>][equals]`; the column may hold brackets. */
const FILTER_KEY = /^filter\[(.+)\]\[(contains|equals)\]$/

function positiveInteger(value: number | undefined, where: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1)
    throw new TypeError(`${where} must be a positive whole number`)
  return value
}

/**
 * The zod schema of a Table's rows query, as the query string carries it:
 *
 * - `offset` (default 0) and `limit` (default 20, at most `maxLimit`);
 * - `sort=<column>` and `order=asc|desc` (default `asc`);
 * - `filter[<column>][contains]=<text>` and `filter[<column>][equals]=<text>`,
 *   any number of them (20 at most), all of which must hold.
 *
 * Its output is a {@link TableQuery}. A bad value answers 422 with the
 * parameter's name as the path, as any query schema does. `Table.rows()` uses
 * it; use it yourself to validate the same query on an endpoint of your own.
 *
 * @example
 * ```ts
 * import { tableQuery } from 'dara-ts/components'
 * import { get } from 'dara-ts/http'
 *
 * const query = tableQuery({ columns: ['region', 'amount'], maxLimit: 50 })
 * export const sales = get('/sales', { query }, ({ query }) => query.sort)
 * ```
 * @see docs/pages-and-components.md, "Tables"
 */
export function tableQuery(options: TableQueryOptions = {}) {
  const maxLimit = positiveInteger(options.maxLimit, 'tableQuery: maxLimit', DEFAULT_MAX_LIMIT)
  if (options.columns !== undefined && !Array.isArray(options.columns))
    throw new TypeError('tableQuery: columns must be an array of column names')
  const columns = options.columns ? new Set(options.columns) : undefined
  const known = options.columns?.join(', ') ?? ''
  const text = z.string().max(MAX_TEXT)
  return z
    .looseObject({
      offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(maxLimit)
        .default(Math.min(DEFAULT_LIMIT, maxLimit)),
      sort: text.min(1).optional(),
      order: z.enum(['asc', 'desc']).optional(),
    })
    .transform((raw, ctx): TableQuery => {
      const unknownColumn = (column: string, path: string): void => {
        ctx.addIssue({
          code: 'custom',
          path: [path],
          message: `Unknown column "${column.slice(0, 100)}": use one of ${known}`,
        })
      }
      if (raw.sort !== undefined && columns && !columns.has(raw.sort))
        unknownColumn(raw.sort, 'sort')
      if (raw.order !== undefined && raw.sort === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['order'],
          message: 'order needs sort: name a column',
        })
      const filter: TableFilter[] = []
      for (const [key, value] of Object.entries(raw)) {
        if (!key.startsWith('filter')) continue
        const match = FILTER_KEY.exec(key)
        const column = match?.[1]
        const op = match?.[2]
        if (column === undefined || (op !== 'contains' && op !== 'equals')) {
          ctx.addIssue({
            code: 'custom',
            path: [key.slice(0, 200)],
            message: 'Write a filter as filter[<column>][contains] or filter[<column>][equals]',
          })
          continue
        }
        if (typeof value !== 'string' || value.length > MAX_TEXT) {
          ctx.addIssue({
            code: 'custom',
            path: [key.slice(0, 200)],
            message: `Give one value of at most ${MAX_TEXT} characters`,
          })
          continue
        }
        if (columns && !columns.has(column)) unknownColumn(column, key.slice(0, 200))
        filter.push({ column, op, value })
      }
      if (filter.length > MAX_FILTERS)
        ctx.addIssue({
          code: 'custom',
          path: ['filter'],
          message: `Too many filters: at most ${MAX_FILTERS}`,
        })
      const sort: TableSort | undefined =
        raw.sort === undefined ? undefined : { column: raw.sort, direction: raw.order ?? 'asc' }
      return { offset: raw.offset, limit: raw.limit, sort, filter }
    })
}

/** The schema `tableQuery()` returns. */
export type TableQuerySchema = ReturnType<typeof tableQuery>
