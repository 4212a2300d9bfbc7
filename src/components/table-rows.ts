import type { TableFilter, TableQuery } from './table-query.ts'

/** Numbers in text compare as numbers ("9" before "10"), then text by the usual rules. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** A cell as the filters and the sort read it. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  // Objects and arrays as JSON shows them; a symbol or function has no text.
  return typeof value === 'object' ? JSON.stringify(value) : ''
}

/** A row's own cell: a column named `constructor` or `__proto__` reads nothing inherited. */
function cellOf(row: Readonly<Record<string, unknown>>, column: string): unknown {
  return Object.hasOwn(row, column) ? row[column] : undefined
}

function matches(row: Readonly<Record<string, unknown>>, filter: TableFilter): boolean {
  const cell = cellText(cellOf(row, filter.column))
  if (filter.op === 'equals') return cell === filter.value
  return cell.toLowerCase().includes(filter.value.toLowerCase())
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === ''
}

/** Compares two cells in `sign`'s direction; empty cells go last whichever way it is. */
function compare(a: unknown, b: unknown, sign: number): number {
  if (isEmpty(a) || isEmpty(b)) return Number(isEmpty(a)) - Number(isEmpty(b))
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * sign
  return collator.compare(cellText(a), cellText(b)) * sign
}

/**
 * Answers a Table's query from rows held in memory: keeps the rows that pass
 * every filter, sorts them (a stable sort; numbers in text compare as numbers,
 * empty cells last), and cuts the page. `total` counts the filtered rows.
 *
 * @example
 * ```ts
 * import { Table, queryRows } from 'dara-ts/components'
 *
 * const people = [{ name: 'Ada', born: 1815 }, { name: 'Alan', born: 1912 }]
 * export const peopleRows = Table.rows('/people', (query) => queryRows(people, query))
 * ```
 * @see docs/pages-and-components.md, "Tables"
 */
export function queryRows<Row extends Readonly<Record<string, unknown>>>(
  rows: readonly Row[],
  query: TableQuery,
): { rows: Row[]; total: number } {
  const kept = query.filter.length
    ? rows.filter((row) => query.filter.every((filter) => matches(row, filter)))
    : [...rows]
  const sort = query.sort
  if (sort) {
    const sign = sort.direction === 'desc' ? -1 : 1
    kept.sort((a, b) => compare(cellOf(a, sort.column), cellOf(b, sort.column), sign))
  }
  return { rows: kept.slice(query.offset, query.offset + query.limit), total: kept.length }
}
