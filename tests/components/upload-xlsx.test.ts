// A dropzone without a resolver reads Excel (.xlsx) files as Dara does: the
// first sheet, keyed by its header row, within the CSV bounds; a damaged
// workbook or a zip bomb is refused with its code.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { Stack, UploadDropzone } from 'dara-ts/components'
import { buildApp, call } from '../helpers/app.ts'
import { multipart } from '../helpers/multipart.ts'
import { xlsx, zip } from '../helpers/xlsx.ts'

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function appWith(t: TestContext, dropzone = new UploadDropzone()) {
  const config = new ConfigurationBuilder()
  config.addPage('Home', new Stack([dropzone]))
  return buildApp(t, config)
}

function upload(app: ReturnType<typeof appWith>, file: Buffer, filename = 'people.xlsx') {
  const { body, contentType } = multipart([
    { name: 'data', filename, type: XLSX_TYPE, content: file },
  ])
  return call(app, {
    method: 'POST',
    url: '/api/core/data/upload?resolver_id=home:0.0',
    headers: { 'content-type': contentType },
    payload: body,
  })
}

void test('an .xlsx file gives the rows of its first sheet, numbers as numbers', async (t) => {
  const app = appWith(t)
  const file = xlsx([
    ['name', 'age', null],
    ['Ada', 36, 'x'],
    ['Bob', 7.5, null],
  ])
  const res = await upload(app, file)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(res.json(), {
    status: 'SUCCESS',
    result: [
      { name: 'Ada', age: 36, column_2: 'x' },
      { name: 'Bob', age: 7.5, column_2: null },
    ],
  })
})

void test('the rows bound holds for Excel as for CSV', async (t) => {
  const app = appWith(t, new UploadDropzone({ csv: { maxRows: 2 } }))
  const res = await upload(app, xlsx([['a'], [1], [2], [3]]))
  assert.equal(res.statusCode, 413)
  assert.deepEqual(res.json(), {
    detail: 'The Excel file has more than 2 rows: send fewer rows, or split the file',
    code: 'DARA_ERR_UPLOAD_XLSX_LIMIT',
  })
})

void test('a zip bomb is refused before it is unpacked, whatever sizes it declares', async (t) => {
  const app = appWith(t)
  // 70 MiB of XML in about 70 KiB of file.
  const bomb = xlsx([['a'], [1]], 70 * 1024 * 1024)
  assert.ok(bomb.length < 1024 * 1024)
  const expected = {
    detail: 'The Excel file unpacks to more than 64 MiB: send fewer rows, or split the file',
    code: 'DARA_ERR_UPLOAD_XLSX_LIMIT',
  }
  const honest = await upload(app, bomb)
  assert.equal(honest.statusCode, 413)
  assert.deepEqual(honest.json(), expected)

  // The same bomb declaring 100 bytes for each entry: the inflation itself stops at the bound.
  const liar = Buffer.from(bomb)
  for (let at = 0; at < liar.length - 4; at++) {
    const signature = liar.readUInt32LE(at)
    if (signature === 0x04034b50) liar.writeUInt32LE(100, at + 22)
    if (signature === 0x02014b50) liar.writeUInt32LE(100, at + 24)
  }
  const lying = await upload(app, liar)
  assert.equal(lying.statusCode, 413)
  assert.deepEqual(lying.json(), expected)
})

void test('a file named .xlsx that is not a workbook is 422 with its code', async (t) => {
  const app = appWith(t)
  const notZip = await upload(app, Buffer.from('name,age\nAda,36\n'))
  assert.equal(notZip.statusCode, 422)
  assert.deepEqual(notZip.json(), {
    detail: 'The file is not a valid Excel (.xlsx) workbook: it is not a zip archive',
    code: 'DARA_ERR_UPLOAD_XLSX',
  })
  const noSheet = await upload(app, zip({ 'hello.txt': Buffer.from('hi') }))
  assert.equal(noSheet.statusCode, 422)
  assert.equal(noSheet.json<{ code: string }>().code, 'DARA_ERR_UPLOAD_XLSX')
})
