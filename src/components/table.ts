import {
  ComponentInstance,
  type JsonValue,
  type PropValue,
} from '../definitions/component-instance.ts'
import { DaraError } from '../errors.ts'
import { ApiRoute, type RouteOptions } from '../http/api-route.ts'
import type { RequestContext } from '../http/context.ts'
import { mountPath } from '../http/path.ts'
import { setInstanceRoutes } from './instance-routes.ts'
import {
  DEFAULT_LIMIT,
  DEFAULT_MAX_LIMIT,
  tableQuery,
  type TableQuery,
  type TableQueryOptions,
  type TableQuerySchema,
  type TableRows,
} from './table-query.ts'

/** What a rows handler receives besides the query: the request, as any handler has it. */
export type TableRowsContext = RequestContext<Record<string, string>, TableQuery>

/** Answers one page of a Table: the rows of `query`'s page, and the count of every matching row. */
export type TableRowsHandler = (
  query: TableQuery,
  ctx: TableRowsContext,
) => TableRows | Promise<TableRows>

/** The options of a rows endpoint: the query's bounds, and the usual route options. */
export interface TableRowsOptions
  extends
    TableQueryOptions,
    Pick<
      RouteOptions,
      'authenticated' | 'groups' | 'scopes' | 'dependencies' | 'summary' | 'description' | 'tags'
    > {}

/** The route options of a rows endpoint: its query is a {@link tableQuery}. */
export type TableRowsRouteOptions = RouteOptions & { readonly query: TableQuerySchema }

/** A rows endpoint, as `Table.rows()` makes it: a GET route answering {@link TableRows}. */
export type TableRowsRoute<U extends string = string> = ApiRoute<
  'GET',
  U,
  TableRowsRouteOptions,
  Promise<TableRows>
>

/** A column of a Table: the rows' key, and the header shown (the key by default). */
export interface TableColumn {
  readonly key: string
  readonly label?: string
}

type Columns = readonly (string | TableColumn)[]

/** The options of a Table. */
export interface TableProps {
  /** The endpoint that serves the rows, made with `Table.rows()`. */
  readonly rows: TableRowsRoute
  /**
   * The columns in order, as keys or `{ key, label }`; a function is called on
   * each page load (for rows whose columns are known only later, an uploaded
   * file's). Default: the endpoint's `columns`, else the keys of the rows shown.
   */
  readonly columns?: Columns | (() => Columns | Promise<Columns>)
  /** Rows per page (default 20, at most the endpoint's `maxLimit`). */
  readonly pageSize?: number
  /** Show a filter box above each column (default true). */
  readonly filterable?: boolean
}

/** The bounds each rows endpoint was made with, so a Table can check its page size. */
const rowsRoutes = new WeakMap<object, { readonly maxLimit: number; readonly columns?: Columns }>()

function columnJson(columns: unknown, where: string): JsonValue {
  if (!Array.isArray(columns)) throw new TypeError(`${where}: columns must be an array`)
  const list: readonly unknown[] = columns
  return list.map((column) => {
    if (typeof column === 'string') return { key: column, label: column }
    if (typeof column === 'object' && column !== null && 'key' in column) {
      const { key } = column
      const label = 'label' in column ? column.label : undefined
      if (typeof key === 'string' && (label === undefined || typeof label === 'string'))
        return { key, label: label ?? key }
    }
    throw new TypeError(`${where}: each column is a key or { key, label }`)
  })
}

/** Refuses what is not a page of rows: the app's fault, a 500 whose reason is logged. */
function checked(result: unknown, query: TableQuery, where: string): TableRows {
  const fail = (what: string) => new DaraError('DARA_ERR_TABLE_ROWS_INVALID', where, what)
  if (typeof result !== 'object' || result === null) throw fail(`got ${typeof result}`)
  const rows: unknown = Reflect.get(result, 'rows')
  const total: unknown = Reflect.get(result, 'total')
  if (!Array.isArray(rows)) throw fail('rows is not an array')
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0)
    throw fail('total is not a whole number >= 0')
  if (rows.length > query.limit) throw fail(`${rows.length} rows for a limit of ${query.limit}`)
  for (const row of rows) {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw fail('a row is not an object')
  }
  // Sound: rows is an array of objects and total a count, as checked above.
  return { rows: rows as TableRows['rows'], total }
}

/**
 * A table of rows served by an endpoint, a page at a time: the endpoint sorts,
 * filters and pages (so a million rows cost what a page costs), the browser
 * shows the page, a header click sorts, a filter box narrows, and Previous /
 * Next turn pages. The endpoint is made with `Table.rows()` and mounted
 * whenever the Table is placed in a page.
 *
 * @example
 * ```ts
 * import { Table, queryRows } from 'dara-ts/components'
 *
 * const sales = [{ region: 'North', amount: 120 }, { region: 'South', amount: 80 }]
 * const salesRows = Table.rows('/sales/rows', (query) => queryRows(sales, query))
 * const table = new Table({ rows: salesRows, columns: ['region', 'amount'], pageSize: 10 })
 * ```
 * @see docs/pages-and-components.md, "Tables"
 */
export class Table extends ComponentInstance {
  constructor(props: TableProps) {
    const where = 'Table'
    const spec = rowsRoutes.get(props.rows)
    if (!spec) throw new TypeError(`${where}: rows must be an endpoint made with Table.rows()`)
    const pageSize = props.pageSize ?? Math.min(DEFAULT_LIMIT, spec.maxLimit)
    if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > spec.maxLimit) {
      throw new TypeError(
        `${where}: pageSize must be a whole number from 1 to the endpoint's maxLimit (${spec.maxLimit})`,
      )
    }
    const given = props.columns ?? spec.columns
    const columns: PropValue =
      typeof given === 'function'
        ? async () => columnJson(await given(), where)
        : given === undefined
          ? null
          : columnJson(given, where)
    const mounted = mountPath(props.rows.url)
    super({
      // A rows route was checked by Table.rows(): its path mounts, without parameters.
      endpoint: typeof mounted === 'string' ? null : mounted.path,
      columns,
      pageSize,
      filterable: props.filterable ?? true,
    })
    setInstanceRoutes(this, [props.rows])
  }

  /**
   * Makes the endpoint a Table reads its rows from: `GET /api/<url>`, whose
   * query (`offset`, `limit`, `sort`, `order`, `filter[<column>][contains|equals]`)
   * is validated by {@link tableQuery} (bad values answer 422 with field errors)
   * and handed to `handler` as a {@link TableQuery}. The handler answers
   * `{ rows, total }`: at most `limit` rows, and the count of all matching rows.
   * Anything else is a 500, its reason in the log. Authenticated by default.
   *
   * @example
   * ```ts
   * import { Table, queryRows } from 'dara-ts/components'
   *
   * const people = [{ name: 'Ada' }, { name: 'Alan' }]
   * export const peopleRows = Table.rows('/people', { maxLimit: 50 }, (query) =>
   *   queryRows(people, query),
   * )
   * ```
   */
  static rows<const U extends string>(url: U, handler: TableRowsHandler): TableRowsRoute<U>
  static rows<const U extends string>(
    url: U,
    options: TableRowsOptions,
    handler: TableRowsHandler,
  ): TableRowsRoute<U>
  static rows<const U extends string>(
    url: U,
    second: TableRowsOptions | TableRowsHandler,
    third?: TableRowsHandler,
  ): TableRowsRoute<U> {
    const [options, handler] = typeof second === 'function' ? [{}, second] : [second, third]
    const where = `Table.rows('${String(url)}')`
    if (typeof handler !== 'function')
      throw new TypeError(
        `${where}: the last argument must be the handler (query) => ({ rows, total })`,
      )
    const mounted = mountPath(url)
    if (typeof mounted === 'string') throw new TypeError(`${where}: ${mounted}`)
    if (mounted.params.length > 0)
      throw new TypeError(`${where}: a rows endpoint takes no path parameters`)
    const { columns, maxLimit, ...routeOptions } = options
    const query = tableQuery({ columns, maxLimit })
    const route: TableRowsRoute<U> = new ApiRoute(
      'GET',
      url,
      { ...routeOptions, query },
      async (ctx) => checked(await handler(ctx.query, ctx), ctx.query, where),
    )
    rowsRoutes.set(route, {
      maxLimit: maxLimit ?? DEFAULT_MAX_LIMIT,
      ...(columns ? { columns } : {}),
    })
    return route
  }
}
