// The Table's rows endpoint through HTTP: paging, sort both ways, filters,
// every bad query answered 422 with its field, limit's bound, a handler that
// answers nonsense (500, reason in the log), and the endpoint mounted by
// placing the Table in a page.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { Stack, Table, Text, queryRows, tableQuery, type TableQuery } from 'dara-ts/components'
import { get } from 'dara-ts/http'
import { buildApp, buildLoggedApp, call, callGet } from '../helpers/app.ts'
import { fileBody } from '../helpers/multipart.ts'

/** 25 people, born 1900 + 3i, in three cities; the 8th has no city. */
const PEOPLE = Array.from({ length: 25 }, (_, i) => ({
  name: `person ${String(i + 1).padStart(2, '0')}`,
  city: i === 7 ? '' : (['Paris', 'Lyon', 'Nantes'][i % 3] ?? ''),
  born: String(1900 + 3 * i),
}))

function peopleApp(t: Parameters<typeof buildApp>[0], options = {}) {
  const seen: TableQuery[] = []
  const rows = Table.rows('/people', options, (query) => {
    seen.push(query)
    return queryRows(PEOPLE, query)
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(rows)
  return { app: buildApp(t, config), seen }
}

const names = (body: { rows: { name: string }[] }) => body.rows.map((row) => row.name)

void test('pages: offset and limit cut the rows, total counts them all', async (t) => {
  const { app, seen } = peopleApp(t)

  const first = await callGet(app, '/api/people')
  assert.equal(first.statusCode, 200)
  assert.equal(first.headers['content-type'], 'application/json; charset=utf-8')
  const body = first.json<{ rows: typeof PEOPLE; total: number }>()
  assert.equal(body.total, 25)
  assert.equal(body.rows.length, 20)
  assert.deepEqual(body.rows[0], { name: 'person 01', city: 'Paris', born: '1900' })
  assert.deepEqual(seen[0], { offset: 0, limit: 20, sort: undefined, filter: [] })

  const last = await callGet(app, '/api/people?offset=20&limit=10')
  assert.deepEqual(names(last.json()), [
    'person 21',
    'person 22',
    'person 23',
    'person 24',
    'person 25',
  ])
  assert.equal(last.json<{ total: number }>().total, 25)

  const past = await callGet(app, '/api/people?offset=100&limit=5')
  assert.equal(past.statusCode, 200)
  assert.deepEqual(past.json(), { rows: [], total: 25 })
})

void test('sort: by a column up and down, numbers in text as numbers, empty cells last', async (t) => {
  const { app, seen } = peopleApp(t)

  const down = await callGet(app, '/api/people?sort=born&order=desc&limit=3')
  assert.deepEqual(names(down.json()), ['person 25', 'person 24', 'person 23'])
  assert.deepEqual(seen.at(-1)?.sort, { column: 'born', direction: 'desc' })

  const up = await callGet(app, '/api/people?sort=born&limit=2')
  assert.deepEqual(names(up.json()), ['person 01', 'person 02'])
  assert.deepEqual(seen.at(-1)?.sort, { column: 'born', direction: 'asc' })

  // Stable within a city; the person without a city comes last both ways.
  const cityUp = await callGet(app, '/api/people?sort=city&order=asc&limit=25')
  const cities = cityUp.json<{ rows: { city: string }[] }>().rows.map((row) => row.city)
  // 8 in Lyon but the one without a city: 7.
  assert.deepEqual(cities.slice(0, 8), [...Array.from({ length: 7 }, () => 'Lyon'), 'Nantes'])
  assert.equal(cities.at(-1), '')
  const cityDown = await callGet(app, '/api/people?sort=city&order=desc&limit=25')
  const reversed = cityDown.json<{ rows: { city: string }[] }>().rows.map((row) => row.city)
  assert.deepEqual(
    reversed.slice(0, 8),
    Array.from({ length: 8 }, () => 'Paris'),
  )
  assert.equal(reversed.at(-1), '')

  // "9" before "10": the text of numbers sorts as numbers.
  const config = new ConfigurationBuilder()
  const values = ['10', '9', '100', 'b', 'A'].map((value) => ({ value }))
  config.addEndpoint(Table.rows('/values', (query) => queryRows(values, query)))
  const other = buildApp(t, config)
  const sorted = await callGet(other, '/api/values?sort=value')
  assert.deepEqual(sorted.json(), {
    rows: [{ value: '9' }, { value: '10' }, { value: '100' }, { value: 'A' }, { value: 'b' }],
    total: 5,
  })
})

void test('filter: contains ignores case, equals is exact, all must hold, total counts the matches', async (t) => {
  const { app, seen } = peopleApp(t)

  const contains = await callGet(app, '/api/people?filter[city][contains]=PAR&limit=3')
  assert.deepEqual(contains.json(), {
    rows: [
      { name: 'person 01', city: 'Paris', born: '1900' },
      { name: 'person 04', city: 'Paris', born: '1909' },
      { name: 'person 07', city: 'Paris', born: '1918' },
    ],
    total: 9,
  })
  assert.deepEqual(seen.at(-1)?.filter, [{ column: 'city', op: 'contains', value: 'PAR' }])

  const equals = await callGet(app, '/api/people?filter[city][equals]=par')
  assert.deepEqual(equals.json(), { rows: [], total: 0 })

  const both = await callGet(
    app,
    `/api/people?filter[city][equals]=Lyon&filter[born][contains]=${encodeURIComponent('19')}&sort=born&order=desc`,
  )
  assert.deepEqual(both.json<{ total: number }>().total, 7)
  assert.deepEqual(names(both.json()).slice(0, 2), ['person 23', 'person 20'])

  // A column name may hold brackets; the value is taken as text, not a pattern.
  const config = new ConfigurationBuilder()
  const rows = [{ 'a[b]': 'x.y' }, { 'a[b]': 'xzy' }]
  config.addEndpoint(Table.rows('/odd', (query) => queryRows(rows, query)))
  const odd = buildApp(t, config)
  const res = await callGet(odd, `/api/odd?${encodeURIComponent('filter[a[b]][contains]')}=.`)
  assert.deepEqual(res.json(), { rows: [{ 'a[b]': 'x.y' }], total: 1 })
})

void test('a bad query answers 422 naming each field, and the handler never runs', async (t) => {
  const { app, seen } = peopleApp(t, { columns: ['name', 'city', 'born'], maxLimit: 50 })
  const cases: [string, { path: string[]; code: string; message: string }[]][] = [
    [
      'limit=51',
      [{ path: ['limit'], code: 'too_big', message: 'Too big: expected number to be <=50' }],
    ],
    [
      'limit=0&offset=-1',
      [
        { path: ['offset'], code: 'too_small', message: 'Too small: expected number to be >=0' },
        { path: ['limit'], code: 'too_small', message: 'Too small: expected number to be >=1' },
      ],
    ],
    [
      'offset=abc',
      [
        {
          path: ['offset'],
          code: 'invalid_type',
          message: 'Invalid input: expected number, received NaN',
        },
      ],
    ],
    [
      'limit=2.5',
      [
        {
          path: ['limit'],
          code: 'invalid_type',
          message: 'Invalid input: expected int, received number',
        },
      ],
    ],
    [
      'sort=salary&order=up',
      [
        {
          path: ['order'],
          code: 'invalid_value',
          message: 'Invalid option: expected one of "asc"|"desc"',
        },
      ],
    ],
    [
      'sort=salary',
      [
        {
          path: ['sort'],
          code: 'custom',
          message: 'Unknown column "salary": use one of name, city, born',
        },
      ],
    ],
    [
      'order=desc',
      [{ path: ['order'], code: 'custom', message: 'order needs sort: name a column' }],
    ],
    [
      'filter[city][like]=x',
      [
        {
          path: ['filter[city][like]'],
          code: 'custom',
          message: 'Write a filter as filter[<column>][contains] or filter[<column>][equals]',
        },
      ],
    ],
    [
      'filter[salary][equals]=1',
      [
        {
          path: ['filter[salary][equals]'],
          code: 'custom',
          message: 'Unknown column "salary": use one of name, city, born',
        },
      ],
    ],
    [
      'filter[city][contains]=a&filter[city][contains]=b',
      [
        {
          path: ['filter[city][contains]'],
          code: 'custom',
          message: 'Give one value of at most 1000 characters',
        },
      ],
    ],
  ]
  for (const [query, issues] of cases) {
    const res = await callGet(app, `/api/people?${query}`)
    assert.equal(res.statusCode, 422, query)
    assert.deepEqual(
      res.json(),
      { detail: issues.map((issue) => ({ in: 'query', ...issue })) },
      query,
    )
  }
  assert.equal(seen.length, 0)

  const open = peopleApp(t)
  const twentyOne = Array.from({ length: 21 }, (_, i) => `filter[c${i}][contains]=x`).join('&')
  const refused = await callGet(open.app, `/api/people?${twentyOne}`)
  assert.equal(refused.statusCode, 422)
  assert.deepEqual(refused.json(), {
    detail: [
      { in: 'query', path: ['filter'], code: 'custom', message: 'Too many filters: at most 20' },
    ],
  })
  const long = await callGet(open.app, `/api/people?filter[name][contains]=${'x'.repeat(1001)}`)
  assert.equal(long.statusCode, 422)
  assert.deepEqual(long.json<{ detail: { path: string[] }[] }>().detail[0]?.path, [
    'filter[name][contains]',
  ])
  assert.equal(open.seen.length, 0)
})

void test('limit: 20 by default, 100 at most unless maxLimit says otherwise', async (t) => {
  const { app } = peopleApp(t)
  assert.equal((await callGet(app, '/api/people?limit=100')).statusCode, 200)
  const over = await callGet(app, '/api/people?limit=101')
  assert.equal(over.statusCode, 422)
  assert.deepEqual(over.json(), {
    detail: [
      {
        in: 'query',
        path: ['limit'],
        code: 'too_big',
        message: 'Too big: expected number to be <=100',
      },
    ],
  })
  const small = peopleApp(t, { maxLimit: 5 })
  const page = await callGet(small.app, '/api/people')
  assert.equal(page.json<{ rows: unknown[] }>().rows.length, 5)
  assert.deepEqual(small.seen[0], { offset: 0, limit: 5, sort: undefined, filter: [] })
})

void test('the endpoint needs a session unless authenticated is false', async (t) => {
  const { app } = peopleApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/people' })
  assert.equal(res.statusCode, 401)

  const config = new ConfigurationBuilder()
  config.addEndpoint(
    Table.rows('/public', { authenticated: false }, (query) => queryRows(PEOPLE, query)),
  )
  const open = buildApp(t, config)
  const answer = await open.inject({ method: 'GET', url: '/api/public?limit=1' })
  assert.equal(answer.statusCode, 200)
  assert.deepEqual(answer.json(), { rows: [PEOPLE[0]], total: 25 })
})

void test('a handler that answers no page of rows is a 500, its reason in the log only', async (t) => {
  const answers: unknown[] = [
    { rows: 'nope', total: 1 },
    { rows: [], total: -1 },
    { rows: [1], total: 1 },
    { rows: Array.from({ length: 3 }, () => ({})), total: 3 },
    null,
  ]
  const config = new ConfigurationBuilder()
  let next = 0
  config.addEndpoint(
    Table.rows('/broken', (): never => {
      // The handler's type forbids these answers; a JavaScript caller may still give them.
      return Reflect.apply(() => answers[next++], undefined, []) as never
    }),
  )
  const { app, logs } = buildLoggedApp(t, config)
  const reasons = [
    'rows is not an array',
    'total is not a whole number >= 0',
    'a row is not an object',
    '3 rows for a limit of 2',
    'got object',
  ]
  for (const reason of reasons) {
    const res = await callGet(app, '/api/broken?limit=2')
    assert.equal(res.statusCode, 500)
    assert.deepEqual(res.json(), { detail: 'Internal Server Error' })
    const logged = logs.filter((line) => line.level === 50).at(-1)
    assert.equal(
      logged?.err?.message,
      `DARA_ERR_TABLE_ROWS_INVALID: Table.rows('/broken') did not answer a page of rows: ${reason}. Return { rows: [row objects, at most limit of them], total: <count of matching rows> }.`,
    )
  }
})

void test('a Table in a page mounts its endpoint and sends what the UI needs', async (t) => {
  const rows = Table.rows('/people/rows', { columns: ['name', 'city'] }, (query) =>
    queryRows(PEOPLE, query),
  )
  const config = new ConfigurationBuilder()
  config.addPage(
    'People',
    new Stack([
      new Text('Everyone'),
      new Table({ rows, pageSize: 5 }),
      new Table({ rows, columns: () => [{ key: 'born', label: 'Born in' }], filterable: false }),
    ]),
  )
  const app = buildApp(t, config)
  const page = await callGet(app, '/api/core/pages/people')
  assert.equal(page.statusCode, 200)
  assert.deepEqual(page.json<{ content: { children: unknown[] } }>().content.children.slice(1), [
    {
      type: 'Table',
      id: 'people:0.1',
      props: {
        endpoint: '/api/people/rows',
        columns: [
          { key: 'name', label: 'name' },
          { key: 'city', label: 'city' },
        ],
        pageSize: 5,
        filterable: true,
      },
      children: [],
    },
    {
      type: 'Table',
      id: 'people:0.2',
      props: {
        endpoint: '/api/people/rows',
        columns: [{ key: 'born', label: 'Born in' }],
        pageSize: 20,
        filterable: false,
      },
      children: [],
    },
  ])
  // Never added with addEndpoint: the page brought it.
  const answer = await callGet(app, '/api/people/rows?limit=1&sort=name&order=desc')
  assert.deepEqual(answer.json(), {
    rows: [{ name: 'person 25', city: 'Paris', born: '1972' }],
    total: 25,
  })
})

void test('Table and Table.rows refuse what cannot work, at start', () => {
  const rows = Table.rows('/r', { maxLimit: 10 }, () => ({ rows: [], total: 0 }))
  assert.throws(() => new Table({ rows, pageSize: 11 }), {
    name: 'TypeError',
    message: "Table: pageSize must be a whole number from 1 to the endpoint's maxLimit (10)",
  })
  const plain = get('/r', () => ({ rows: [], total: 0 }))
  // @ts-expect-error: a Table reads from an endpoint made with Table.rows()
  assert.throws(() => new Table({ rows: plain }), {
    message: 'Table: rows must be an endpoint made with Table.rows()',
  })
  assert.throws(() => Table.rows('/items/{id}', () => ({ rows: [], total: 0 })), {
    message: "Table.rows('/items/{id}'): a rows endpoint takes no path parameters",
  })
  assert.throws(() => Table.rows('/r', { maxLimit: 0 }, () => ({ rows: [], total: 0 })), {
    message: 'tableQuery: maxLimit must be a positive whole number',
  })
  assert.throws(() => tableQuery({ maxLimit: 1.5 }), /maxLimit must be a positive whole number/)
})

void test('examples/upload-table: a CSV uploaded to the dropzone is what the table endpoint serves', async (t) => {
  const example = (await import('../../examples/upload-table/main.ts')) as {
    config: ConfigurationBuilder
  }
  const app = buildApp(t, example.config)
  const empty = await callGet(app, '/api/upload-table/rows')
  assert.deepEqual(empty.json(), { rows: [], total: 0 })

  const csv = 'name,amount\nb,10\na,9\nc,100\n'
  const { body, contentType } = fileBody('small.csv', csv)
  const uploaded = await call(app, {
    method: 'POST',
    url: '/api/core/data/upload?resolver_id=data:0.1',
    headers: { 'content-type': contentType },
    payload: body,
  })
  assert.equal(uploaded.statusCode, 200)
  assert.deepEqual(uploaded.json(), { status: 'SUCCESS', result: { rows: 3 } })

  const sorted = await callGet(app, '/api/upload-table/rows?sort=amount&order=desc&limit=2')
  assert.deepEqual(sorted.json(), {
    rows: [
      { name: 'c', amount: '100' },
      { name: 'b', amount: '10' },
    ],
    total: 3,
  })
  const page = await callGet(app, '/api/core/pages/data')
  const table = page.json<{ content: { children: { type: string; props: unknown }[] } }>().content
    .children[3]
  assert.deepEqual(table, {
    type: 'Table',
    id: 'data:0.3',
    props: {
      endpoint: '/api/upload-table/rows',
      columns: [
        { key: 'name', label: 'name' },
        { key: 'amount', label: 'amount' },
      ],
      pageSize: 10,
      filterable: true,
    },
    children: [],
  })
})
