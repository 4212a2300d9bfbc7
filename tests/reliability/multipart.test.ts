// The upload endpoint's multipart limits and malformed bodies, beyond the
// file-size cases of tests/components/upload.test.ts: too many fields, bodies
// without or with the wrong boundary, bodies cut before their end, bytes that
// are not multipart. Each is a 4xx with { detail, code }, never a 500; a
// well-formed upload after them still works.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { UploadDropzone } from 'dara-ts/components'
import { bearer, buildApp, login } from '../helpers/auth.ts'
import { fileBody, multipart } from '../helpers/multipart.ts'

const CSV = 'a,b\n1,2\n'
const file = { name: 'data', filename: 'b.csv', type: 'text/csv', content: CSV }
const whole = fileBody('x.csv', CSV)

const malformed = (why: string) => ({
  detail: `The multipart body is malformed (${why}): send it as a browser FormData does`,
  code: 'DARA_ERR_UPLOAD_MALFORMED',
})

const CASES = [
  {
    name: '50 fields before the file',
    body: multipart([
      ...Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, content: 'v' })),
      file,
    ]),
    status: 413,
    expected: {
      detail:
        'Too many parts in the multipart body (reach fields limit): send one file in the field "data", with at most 10 small fields beside it',
      code: 'DARA_ERR_UPLOAD_TOO_MANY_PARTS',
    },
  },
  {
    name: 'no boundary in the content type',
    body: { body: whole.body, contentType: 'multipart/form-data' },
    status: 400,
    expected: malformed('Multipart: Boundary not found'),
  },
  {
    name: 'a boundary that is not the body’s',
    body: { body: whole.body, contentType: 'multipart/form-data; boundary=nope' },
    status: 400,
    expected: malformed('Unexpected end of multipart data'),
  },
  {
    name: 'a body cut before its closing boundary',
    body: { body: whole.body.subarray(0, 60), contentType: whole.contentType },
    status: 400,
    expected: malformed('Unexpected end of multipart data'),
  },
  {
    name: 'bytes that are not multipart',
    body: {
      body: Buffer.from([0xff, 0x00, 0x13, 0x37]),
      contentType: 'multipart/form-data; boundary=x',
    },
    status: 400,
    expected: malformed('Unexpected end of multipart data'),
  },
] as const

void test('malformed multipart bodies and too many parts: 4xx with { detail, code }, never a 500', async (t) => {
  const config = new ConfigurationBuilder()
  config.addPage('Home', new UploadDropzone())
  const app = buildApp(t, config)
  const auth = bearer(await login(app))
  const send = (body: { body: Buffer; contentType: string }) =>
    app.inject({
      method: 'POST',
      url: '/api/core/data/upload?resolver_id=home:0',
      headers: { ...auth, 'content-type': body.contentType },
      payload: body.body,
    })
  for (const c of CASES) {
    const res = await send(c.body)
    assert.equal(res.statusCode, c.status, `${c.name}: ${res.body}`)
    assert.deepEqual(res.json(), c.expected, c.name)
  }
  const ok = await send(whole)
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { status: 'SUCCESS', result: [{ a: '1', b: '2' }] })
})
