// Issue 13, item 3: a CSV file of a few MiB became hundreds of MiB of rows,
// sent by anyone to an app whose only dropzone never parses CSV. The built-in
// CSV parser is reached only through a dropzone without a resolver, by its id;
// its rows are bounded in number, width and size, each bound answered with its
// own 413.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { Stack, UploadDropzone, type CsvLimits } from 'dara-ts/components'
import { buildApp, call } from '../helpers/app.ts'
import { fileBody, type MultipartBody } from '../helpers/multipart.ts'

function post(app: ReturnType<typeof buildApp>, url: string, { body, contentType }: MultipartBody) {
  return call(app, { method: 'POST', url, headers: { 'content-type': contentType }, payload: body })
}

/** A CSV of `rows` rows under a header of `columns` columns named `<prefix>N`, every cell `1`. */
function csv(rows: number, columns: number, prefix = 'c'): string {
  const header = Array.from({ length: columns }, (_, i) => `${prefix}${i}`).join(',')
  return `${header}\n${`${Array(columns).fill('1').join(',')}\n`.repeat(rows)}`
}

function csvApp(t: TestContext, limits?: CsvLimits) {
  const config = new ConfigurationBuilder()
  config.addPage('Home', new UploadDropzone(limits ? { csv: limits } : {}))
  return buildApp(t, config)
}

void test('no resolver_id, in an app whose only dropzone takes images: 400, nothing parsed', async (t) => {
  const seen: string[] = []
  const config = new ConfigurationBuilder()
  config.addPage(
    'Home',
    new UploadDropzone({ accept: '.png', resolver: (_file, name) => seen.push(name) }),
  )
  const app = buildApp(t, config)
  const file = fileBody('people.csv', csv(1000, 20))

  const missing = await post(app, '/api/core/data/upload', file)
  assert.equal(missing.statusCode, 400)
  assert.deepEqual(missing.json(), {
    detail:
      'No resolver_id: send the id of the UploadDropzone the file is for as the query parameter resolver_id, or as a form field of that name',
    code: 'DARA_ERR_UPLOAD_RESOLVER_MISSING',
  })
  const image = await post(app, '/api/core/data/upload?resolver_id=home:0', file)
  assert.equal(image.statusCode, 415)
  assert.equal(image.json<{ code: string }>().code, 'DARA_ERR_UPLOAD_TYPE')
  assert.deepEqual(seen, [])
})

void test('a dropzone without a resolver parses CSV up to each of its bounds, and answers 413 past it', async (t) => {
  const app = csvApp(t, { maxRows: 3, maxColumns: 2, maxBytes: 60 })
  const url = '/api/core/data/upload?resolver_id=home:0'

  const within = await post(app, url, fileBody('ok.csv', 'a,b\n1,2\n3,4\n5,6\n'))
  assert.equal(within.statusCode, 200)
  assert.equal(within.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(within.json(), {
    status: 'SUCCESS',
    result: [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
      { a: '5', b: '6' },
    ],
  })

  const cases: [string, string, object][] = [
    [
      'a,b\n1,2\n3,4\n5,6\n7,8\n',
      'rows',
      {
        detail: 'The CSV file has more than 3 rows: send fewer, or split the file',
        code: 'DARA_ERR_UPLOAD_CSV_ROWS',
      },
    ],
    [
      'a,b,c\n1,2,3\n',
      'columns',
      {
        detail: 'The CSV file has 3 columns, more than the 2 allowed',
        code: 'DARA_ERR_UPLOAD_CSV_COLUMNS',
      },
    ],
    [
      `a,b\n${'x'.repeat(40)},1\n2,3\n`,
      'bytes',
      {
        detail:
          'The rows of the CSV file take more than 60 bytes as JSON: send fewer, or split the file',
        code: 'DARA_ERR_UPLOAD_CSV_BYTES',
      },
    ],
  ]
  for (const [content, bound, expected] of cases) {
    const res = await post(app, url, fileBody('big.csv', content))
    assert.equal(res.statusCode, 413, bound)
    assert.deepEqual(res.json(), expected, bound)
  }
  // The app goes on.
  assert.equal((await post(app, url, fileBody('ok.csv', 'a\n1\n'))).statusCode, 200)
})

void test('by default a 1.4 MB CSV whose rows would take 35 MB as JSON is refused', async (t) => {
  const app = csvApp(t)
  // Every row repeats the header's 100 long names as its keys: 25 times its size.
  const content = csv(7000, 100, 'a_rather_long_column_name_of_forty_chars_')
  assert.ok(content.length < 1.5e6)
  const res = await post(
    app,
    '/api/core/data/upload?resolver_id=home:0',
    fileBody('wide.csv', content),
  )
  assert.equal(res.statusCode, 413)
  assert.deepEqual(res.json(), {
    detail: 'The rows of the CSV file take more than 32 MiB as JSON: send fewer, or split the file',
    code: 'DARA_ERR_UPLOAD_CSV_BYTES',
  })
  const wide = await post(
    app,
    '/api/core/data/upload?resolver_id=home:0',
    fileBody('wider.csv', csv(1, 1001)),
  )
  assert.deepEqual(wide.json(), {
    detail: 'The CSV file has 1001 columns, more than the 1000 allowed',
    code: 'DARA_ERR_UPLOAD_CSV_COLUMNS',
  })
})

void test("a resolver's rows() is bounded too, by default or by its own limits", async (t) => {
  const config = new ConfigurationBuilder()
  config.addPage(
    'Home',
    new Stack([
      new UploadDropzone({ resolver: async (file) => (await file.rows({ maxRows: 2 })).length }),
      new UploadDropzone({ resolver: async (file) => (await file.rows()).length }),
    ]),
  )
  const app = buildApp(t, config)
  const three = fileBody('three.csv', 'a\n1\n2\n3\n')
  const bounded = await post(app, '/api/core/data/upload?resolver_id=home:0.0', three)
  assert.equal(bounded.statusCode, 413)
  assert.equal(bounded.json<{ code: string }>().code, 'DARA_ERR_UPLOAD_CSV_ROWS')
  const counted = await post(app, '/api/core/data/upload?resolver_id=home:0.1', three)
  assert.deepEqual(counted.json(), { status: 'SUCCESS', result: 3 })
  const many = fileBody('many.csv', csv(100_001, 1))
  const past = await post(app, '/api/core/data/upload?resolver_id=home:0.1', many)
  assert.deepEqual(past.json(), {
    detail: 'The CSV file has more than 100000 rows: send fewer, or split the file',
    code: 'DARA_ERR_UPLOAD_CSV_ROWS',
  })
})
