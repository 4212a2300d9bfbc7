// Checked by `npm run typecheck`: the Table's rows endpoint, positive and negative.
import { expectTypeOf } from 'expect-type'
import {
  Table,
  queryRows,
  tableQuery,
  type TableQuery,
  type TableRows,
  type TableSort,
} from 'dara-ts/components'
import { get } from 'dara-ts/http'
import type { z } from 'zod'

const people = [{ name: 'Ada', born: 1815 }]

const rows = Table.rows('/people', (query, ctx) => {
  expectTypeOf(query).toEqualTypeOf<TableQuery>()
  expectTypeOf(query.sort).toEqualTypeOf<TableSort | undefined>()
  expectTypeOf(ctx.query).toEqualTypeOf<TableQuery>()
  const page = queryRows(people, query)
  expectTypeOf(page.rows).toEqualTypeOf<{ name: string; born: number }[]>()
  return page
})
expectTypeOf(rows.url).toEqualTypeOf<'/people'>()
expectTypeOf(rows['~output']).toEqualTypeOf<TableRows>()
new Table({ rows, columns: ['name', { key: 'born', label: 'Born' }], pageSize: 10 })
new Table({ rows, columns: async () => ['name'] })

Table.rows('/async', { maxLimit: 50, columns: ['name'] }, async (query) => queryRows(people, query))
// @ts-expect-error the handler answers { rows, total }, not the rows alone
Table.rows('/bare', () => people)
// @ts-expect-error total is a number
Table.rows('/bad-total', () => ({ rows: people, total: '1' }))
// @ts-expect-error columns is a list of names
Table.rows('/bad-columns', { columns: 'name' }, (query) => queryRows(people, query))
// @ts-expect-error a Table reads from an endpoint made with Table.rows()
new Table({ rows: get('/plain', () => ({ rows: [], total: 0 })) })
// @ts-expect-error a Table needs its rows endpoint
new Table({ pageSize: 10 })

// The schema on an endpoint of one's own.
const query = tableQuery({ columns: ['name'] })
expectTypeOf<z.output<typeof query>>().toEqualTypeOf<TableQuery>()
get('/own', { query }, ({ query }) => {
  expectTypeOf(query.filter[0]?.op).toEqualTypeOf<'contains' | 'equals' | undefined>()
  return query.offset
})
