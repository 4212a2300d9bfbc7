// resolver_id as a multipart form field, as Dara's dropzone sends it (after
// the file): the same dropzone, limits and answers as with the query parameter.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { Stack, UploadDropzone } from 'dara-ts/components'
import { buildApp, call } from '../helpers/app.ts'
import { multipart, type Part } from '../helpers/multipart.ts'

function appWith(t: TestContext) {
  const config = new ConfigurationBuilder()
  config.addPage(
    'Home',
    new Stack([
      new UploadDropzone({
        accept: '*',
        maxSize: 10,
        resolver: async (f) => `small:${await f.text()}`,
      }),
      new UploadDropzone(),
    ]),
  )
  return buildApp(t, config)
}

function send(
  app: ReturnType<typeof appWith>,
  parts: readonly Part[],
  url = '/api/core/data/upload',
) {
  const { body, contentType } = multipart(parts)
  return call(app, { method: 'POST', url, headers: { 'content-type': contentType }, payload: body })
}

const csv: Part = { name: 'data', filename: 'a.csv', type: 'text/csv', content: 'a,b\n1,2\n' }

void test('resolver_id after the file, as Dara sends it, or before it: the dropzone it names', async (t) => {
  const app = appWith(t)
  const after = await send(app, [csv, { name: 'resolver_id', content: 'home:0.1' }])
  assert.equal(after.statusCode, 200, after.body)
  assert.deepEqual(after.json(), { status: 'SUCCESS', result: [{ a: '1', b: '2' }] })
  const before = await send(app, [
    { name: 'resolver_id', content: 'home:0.0' },
    { name: 'data', filename: 'x.bin', content: 'tiny' },
  ])
  assert.equal(before.statusCode, 200, before.body)
  assert.deepEqual(before.json(), { status: 'SUCCESS', result: 'small:tiny' })
})

void test('by form field, the named dropzone keeps its own limit and accept list', async (t) => {
  const app = appWith(t)
  const large = await send(app, [
    { name: 'data', filename: 'x.bin', content: 'eleven byte' },
    { name: 'resolver_id', content: 'home:0.0' },
  ])
  assert.equal(large.statusCode, 413)
  assert.deepEqual(large.json(), {
    detail: 'The file is too large: the limit is 10 bytes',
    code: 'DARA_ERR_UPLOAD_TOO_LARGE',
  })
  const type = await send(app, [
    { name: 'data', filename: 'x.exe', type: 'application/x-msdownload', content: 'MZ' },
    { name: 'resolver_id', content: 'home:0.1' },
  ])
  assert.equal(type.statusCode, 415)
  assert.equal(type.json<{ code: string }>().code, 'DARA_ERR_UPLOAD_TYPE')
})

void test('an unknown or missing form id is the same 400 as in the query', async (t) => {
  const app = appWith(t)
  const unknown = await send(app, [csv, { name: 'resolver_id', content: 'nope' }])
  assert.equal(unknown.statusCode, 400)
  assert.deepEqual(unknown.json(), {
    detail: 'Unknown resolver_id "nope": no UploadDropzone of this app has that id',
    code: 'DARA_ERR_UPLOAD_RESOLVER_UNKNOWN',
  })
  const missing = await send(app, [csv])
  assert.equal(missing.statusCode, 400)
  assert.equal(missing.json<{ code: string }>().code, 'DARA_ERR_UPLOAD_RESOLVER_MISSING')
})
