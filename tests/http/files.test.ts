// Files on any endpoint (`options.files`) through inject: the handler's upload
// objects, the text fields validated by `body`, and every refusal with its
// status and whole body.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { post, type AnyApiRoute } from 'dara-ts/http'
import { buildApp, call, settle } from '../helpers/app.ts'
import { multipart, type Part } from '../helpers/multipart.ts'

function appWith(t: TestContext, ...routes: AnyApiRoute[]) {
  const config = new ConfigurationBuilder()
  for (const route of routes) config.addEndpoint(route)
  return buildApp(t, config)
}

function send(app: ReturnType<typeof appWith>, url: string, parts: readonly Part[]) {
  const { body, contentType } = multipart(parts)
  return call(app, { method: 'POST', url, headers: { 'content-type': contentType }, payload: body })
}

const reports = post(
  '/reports',
  {
    files: { report: { maxSize: 1024, accept: '.csv,text/csv' } },
    body: z.object({ title: z.string().min(1), year: z.coerce.number().int() }),
  },
  async ({ files, body }) => ({
    title: body.title,
    year: body.year,
    name: files.report.filename,
    rows: await files.report.rows(),
  }),
)

void test('a file and text fields in any order: body validated, the file read as rows', async (t) => {
  const app = appWith(t, reports)
  // The file comes first and the fields after it, as a FormData appended in that order sends them.
  const res = await send(app, '/api/reports', [
    { name: 'report', filename: 'q3.csv', type: 'text/csv', content: 'a,b\n1,2\n3,4\n' },
    { name: 'title', content: 'Q3' },
    { name: 'year', content: '2026' },
  ])
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual(res.json(), {
    title: 'Q3',
    year: 2026,
    name: 'q3.csv',
    rows: [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ],
  })
})

void test('an invalid text field is a 422 with in: "body", and the handler does not run', async (t) => {
  let ran = false
  const route = post(
    '/r',
    { files: { report: {} }, body: z.object({ title: z.string().min(1) }) },
    () => (ran = true),
  )
  const app = appWith(t, route)
  const res = await send(app, '/api/r', [{ name: 'report', filename: 'a.txt', content: 'x' }])
  assert.equal(res.statusCode, 422)
  assert.deepEqual(res.json(), {
    detail: [
      {
        in: 'body',
        path: ['title'],
        code: 'invalid_type',
        message: 'Invalid input: expected string, received undefined',
      },
    ],
  })
  assert.equal(ran, false)
})

void test('refusals: too large 413, wrong type 415, unknown field, missing file and two files 422', async (t) => {
  const app = appWith(t, reports)
  const fields: Part[] = [
    { name: 'title', content: 'Q3' },
    { name: 'year', content: '2026' },
  ]
  const cases: [Part[], number, object][] = [
    [
      [{ name: 'report', filename: 'big.csv', type: 'text/csv', content: 'x'.repeat(1025) }],
      413,
      { detail: 'The file is too large: the limit is 1 KiB', code: 'DARA_ERR_UPLOAD_TOO_LARGE' },
    ],
    [
      [{ name: 'report', filename: 'a.exe', type: 'application/x-msdownload', content: 'MZ' }],
      415,
      {
        detail:
          'Files of type application/x-msdownload are not accepted here; accepted: .csv,text/csv',
        code: 'DARA_ERR_UPLOAD_TYPE',
      },
    ],
    [
      [{ name: 'other', filename: 'a.csv', type: 'text/csv', content: 'a\n1\n' }],
      422,
      {
        detail: 'POST /api/reports takes no file in the field "other"; it takes files in "report"',
        code: 'DARA_ERR_FILES_UNKNOWN_FIELD',
      },
    ],
    [
      [{ name: 'report', content: 'not a file' }],
      422,
      {
        detail: 'POST /api/reports needs a file in the field "report"',
        code: 'DARA_ERR_FILES_MISSING',
      },
    ],
    [
      [
        { name: 'report', filename: 'a.csv', type: 'text/csv', content: 'a\n1\n' },
        { name: 'report', filename: 'b.csv', type: 'text/csv', content: 'a\n1\n' },
      ],
      422,
      {
        detail: 'The field "report" takes at most 1 file(s): send fewer',
        code: 'DARA_ERR_FILES_TOO_MANY',
      },
    ],
  ]
  for (const [parts, status, body] of cases) {
    const res = await send(app, '/api/reports', [...fields, ...parts])
    assert.equal(res.statusCode, status, res.body)
    assert.deepEqual(res.json(), body)
  }
})

void test('a JSON body to a route with files is 415; multipart to any other route stays 415', async (t) => {
  const plain = post('/plain', { body: z.object({ a: z.string() }) }, ({ body }) => body)
  const app = appWith(t, reports, plain)
  const json = await call(app, { method: 'POST', url: '/api/reports', payload: { title: 'x' } })
  assert.equal(json.statusCode, 415)
  assert.deepEqual(json.json(), {
    detail:
      'POST /api/reports takes multipart/form-data, with its files in "report" and its other fields beside them (got application/json): send a FormData',
    code: 'DARA_ERR_FILES_NOT_MULTIPART',
  })
  const other = await send(app, '/api/plain', [{ name: 'a', content: 'x' }])
  assert.equal(other.statusCode, 415)
  assert.equal(other.json<{ detail: string }>().detail.startsWith('Unsupported Media Type'), true)
})

void test('many: true gives a list per field; several fields; optional ones may be left out', async (t) => {
  const route = post(
    '/gallery',
    {
      files: { images: { many: true, accept: 'image/*' }, cover: {}, notes: { optional: true } },
    },
    async ({ files }) => ({
      images: await Promise.all(files.images.map(async (f) => [f.filename, await f.text()])),
      cover: await files.cover.text(),
      notes: files.notes === undefined ? null : await files.notes.text(),
    }),
  )
  const app = appWith(t, route)
  const res = await send(app, '/api/gallery', [
    { name: 'images', filename: 'a.png', type: 'image/png', content: 'A' },
    { name: 'cover', filename: 'c.txt', type: 'text/plain', content: 'C' },
    { name: 'images', filename: 'b.png', type: 'image/png', content: 'B' },
  ])
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual(res.json(), {
    images: [
      ['a.png', 'A'],
      ['b.png', 'B'],
    ],
    cover: 'C',
    notes: null,
  })
})

void test('saveTo keeps the file; the spooled copy is gone once the response is over', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'dara-files-'))
  let spooled = ''
  const route = post('/keep', { files: { data: {} } }, async ({ files }) => {
    spooled = String(Reflect.get(files.data.stream, 'path'))
    return (await files.data.saveTo(folder)).size
  })
  const app = appWith(t, route)
  const content = randomBytes(200_000)
  const res = await send(app, '/api/keep', [{ name: 'data', filename: 'x.bin', content }])
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.body, '200000')
  assert.equal(readdirSync(folder).length, 1)
  await settle()
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.ok(spooled !== '' && !existsSync(spooled), `${spooled} was removed`)
})

void test('a text field over the body limit is 413 with its code', async (t) => {
  const route = post('/r', { files: { data: {} } }, () => 'ran')
  const app = appWith(t, route)
  const res = await send(app, '/api/r', [
    { name: 'big', content: 'x'.repeat(1024 * 1024 + 1) },
    { name: 'data', filename: 'x.bin', content: 'x' },
  ])
  assert.equal(res.statusCode, 413)
  assert.deepEqual(res.json(), {
    detail: 'The text fields of the multipart body take more than 1 MiB: send less',
    code: 'DARA_ERR_FILES_FIELDS_TOO_LARGE',
  })
})

void test('a files option that cannot work stops the start', () => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(post('/r', { files: { data: { maxSize: -1 } } }, () => 'x'))
  assert.throws(() => createApp(config, { logger: false, secret: 'x'.repeat(32) }), {
    message:
      'DARA_ERR_ROUTE_INVALID: POST /r: files.data: maxSize must be a positive whole number of bytes',
  })
})
