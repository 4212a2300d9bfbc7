// POST /api/core/data/upload through inject: each dropzone's resolver by id,
// the CSV default, and every refusal with its status and whole body.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { Stack, UploadDropzone, type UploadResolver } from 'dara-ts/components'
import { HttpError } from 'dara-ts/http'
import { buildApp, buildLoggedApp, call, LEVEL } from '../helpers/app.ts'
import { fileBody, multipart, type MultipartBody } from '../helpers/multipart.ts'

const URL_OF = (id?: string) =>
  `/api/core/data/upload${id === undefined ? '' : `?resolver_id=${encodeURIComponent(id)}`}`

/** An app whose one page holds the given dropzones; their ids are home:0.0, home:0.1, ... */
function appWith(t: TestContext, ...dropzones: UploadDropzone[]) {
  const config = new ConfigurationBuilder()
  config.addPage('Home', new Stack(dropzones))
  return buildApp(t, config)
}

function post(app: ReturnType<typeof appWith>, url: string, { body, contentType }: MultipartBody) {
  return call(app, { method: 'POST', url, headers: { 'content-type': contentType }, payload: body })
}

void test('the resolver of the dropzone named by resolver_id gets the exact bytes and the name', async (t) => {
  const seen: { bytes: Buffer; filename: string; mimetype: string }[] = []
  const resolver: UploadResolver = async (file, filename) => {
    seen.push({ bytes: await file.bytes(), filename, mimetype: file.mimetype })
    return { kept: filename }
  }
  const other = new UploadDropzone({ resolver: () => assert.fail('the other dropzone ran') })
  const app = appWith(t, other, new UploadDropzone({ resolver, accept: '.bin' }))
  const content = randomBytes(300_000)

  const res = await post(
    app,
    URL_OF('home:0.1'),
    fileBody('data.bin', content, 'application/x-raw'),
  )
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { status: 'SUCCESS', result: { kept: 'data.bin' } })
  assert.equal(seen.length, 1)
  assert.ok(seen[0]?.bytes.equals(content), 'the resolver got the bytes as sent')
  assert.equal(seen[0]?.filename, 'data.bin')
  assert.equal(seen[0]?.mimetype, 'application/x-raw')
})

void test('saveTo streams to a safe name inside the folder, never the client path', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'dara-up-'))
  const app = appWith(
    t,
    new UploadDropzone({ accept: '*', resolver: async (file) => (await file.saveTo(folder)).name }),
  )
  const content = randomBytes(64 * 1024)
  const res = await post(app, URL_OF('home:0.0'), fileBody('../../etc/pass wd.sh', content))
  assert.equal(res.statusCode, 200)
  const { result } = res.json<{ result: string }>()
  assert.match(result, /^\d+-[0-9a-f]{8}-pass_wd\.sh$/)
  assert.deepEqual(readdirSync(folder), [result])
  assert.ok(readFileSync(join(folder, result)).equals(content))
})

void test('without a resolver a CSV file is parsed into rows by its header', async (t) => {
  const app = appWith(t, new UploadDropzone())
  const csv = '\ufeffname,comment\r\nada,"likes, commas"\r\n"bob ""b""",\r\n'
  const res = await post(app, URL_OF('home:0.0'), fileBody('people.csv', csv))
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), {
    status: 'SUCCESS',
    result: [
      { name: 'ada', comment: 'likes, commas' },
      { name: 'bob "b"', comment: '' },
    ],
  })
})

void test('a file that is not valid CSV gets 422 with the parser detail', async (t) => {
  const app = appWith(t, new UploadDropzone())
  const res = await post(app, URL_OF('home:0.0'), fileBody('bad.csv', 'a,b\n1,2,3\n'))
  assert.equal(res.statusCode, 422)
  const body = res.json<{ detail: string; code: string }>()
  assert.equal(body.code, 'DARA_ERR_UPLOAD_CSV')
  assert.match(body.detail, /^The file is not valid CSV: Invalid Record Length/)
})

void test('413 when the declared length is over maxSize: the resolver never runs', async (t) => {
  let ran = false
  const app = appWith(
    t,
    new UploadDropzone({ accept: '*', maxSize: 1000, resolver: () => (ran = true) }),
  )
  const res = await post(app, URL_OF('home:0.0'), fileBody('big.bin', randomBytes(100_000)))
  assert.equal(res.statusCode, 413)
  assert.deepEqual(res.json(), {
    detail: 'The file is too large: the limit is 1000 bytes',
    code: 'DARA_ERR_UPLOAD_TOO_LARGE',
  })
  assert.equal(ran, false)
})

void test('413 when the file passes maxSize as it streams: saveTo keeps nothing', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'dara-up-'))
  const app = appWith(
    t,
    new UploadDropzone({ accept: '*', maxSize: 10_000, resolver: (file) => file.saveTo(folder) }),
  )
  // Within the envelope the declared length allows, so the limit is hit while streaming.
  const res = await post(app, URL_OF('home:0.0'), fileBody('big.bin', randomBytes(30_000)))
  assert.equal(res.statusCode, 413)
  assert.deepEqual(res.json(), {
    detail: 'The file is too large: the limit is 9.8 KiB',
    code: 'DARA_ERR_UPLOAD_TOO_LARGE',
  })
  assert.deepEqual(readdirSync(folder), [])
})

void test('413 also when the resolver reads nothing: the rest of the file is still counted', async (t) => {
  const app = appWith(t, new UploadDropzone({ accept: '*', maxSize: 10_000, resolver: () => 'ok' }))
  const res = await post(app, URL_OF('home:0.0'), fileBody('big.bin', randomBytes(30_000)))
  assert.equal(res.statusCode, 413)
})

void test('413 for a CSV over the limit while it is parsed', async (t) => {
  const app = appWith(t, new UploadDropzone({ maxSize: 1000 }))
  const csv = `a,b\n${'1,2\n'.repeat(5000)}`
  const res = await post(app, URL_OF('home:0.0'), fileBody('big.csv', csv))
  assert.equal(res.statusCode, 413)
  assert.deepEqual(res.json(), {
    detail: 'The file is too large: the limit is 1000 bytes',
    code: 'DARA_ERR_UPLOAD_TOO_LARGE',
  })
})

void test('415 for a type the dropzone does not accept, and for a body that is not multipart', async (t) => {
  let ran = false
  const app = appWith(
    t,
    new UploadDropzone({ accept: '.csv,image/*', resolver: () => (ran = true) }),
  )
  const res = await post(app, URL_OF('home:0.0'), fileBody('run.sh', 'echo', 'text/x-sh'))
  assert.equal(res.statusCode, 415)
  assert.deepEqual(res.json(), {
    detail: 'Files of type text/x-sh are not accepted here; accepted: .csv,image/*',
    code: 'DARA_ERR_UPLOAD_TYPE',
  })
  const image = await post(app, URL_OF('home:0.0'), fileBody('cat.PNG', 'x', 'image/png'))
  assert.equal(image.statusCode, 200)

  const json = await call(app, {
    method: 'POST',
    url: URL_OF('home:0.0'),
    headers: { 'content-type': 'application/json' },
    payload: '{"data":"x"}',
  })
  assert.equal(json.statusCode, 415)
  assert.deepEqual(json.json(), {
    detail: 'Send the file as multipart/form-data, in a field named "data" (got application/json)',
    code: 'DARA_ERR_UPLOAD_NOT_MULTIPART',
  })
  // Nor is a JSON body parsed first: broken or over the body limit, the answer is the same.
  for (const payload of ['{"data":', `"${'x'.repeat(2 * 1024 * 1024)}"`]) {
    const broken = await call(app, {
      method: 'POST',
      url: URL_OF('home:0.0'),
      headers: { 'content-type': 'application/json' },
      payload,
    })
    assert.deepEqual(
      [broken.statusCode, broken.json<{ code: string }>().code],
      [415, 'DARA_ERR_UPLOAD_NOT_MULTIPART'],
    )
  }
  // A body type the app has no parser for gets the same answer, not a bare 415.
  const csv = await call(app, {
    method: 'POST',
    url: URL_OF('home:0.0'),
    headers: { 'content-type': 'text/csv' },
    payload: 'a,b\n1,2\n',
  })
  assert.deepEqual(
    [csv.statusCode, csv.json()],
    [
      415,
      {
        detail: 'Send the file as multipart/form-data, in a field named "data" (got text/csv)',
        code: 'DARA_ERR_UPLOAD_NOT_MULTIPART',
      },
    ],
  )
  assert.equal(ran, true)
})

void test('the default accepts CSV only when there is no resolver', async (t) => {
  const app = appWith(t, new UploadDropzone())
  const res = await post(app, URL_OF('home:0.0'), fileBody('notes.txt', 'a', 'text/plain'))
  assert.equal(res.statusCode, 415)
  assert.match(res.json<{ detail: string }>().detail, /accepted: \.csv,text\/csv,/)
})

void test('400 for an unknown resolver_id, 422 for a body with no file', async (t) => {
  const app = appWith(t, new UploadDropzone())
  const unknown = await post(app, URL_OF('home:0.9'), fileBody('a.csv', 'x\n1\n'))
  assert.equal(unknown.statusCode, 400)
  assert.deepEqual(unknown.json(), {
    detail: 'Unknown resolver_id "home:0.9": no UploadDropzone of this app has that id',
    code: 'DARA_ERR_UPLOAD_RESOLVER_UNKNOWN',
  })
  const noFile = await post(app, URL_OF('home:0.0'), multipart([{ name: 'note', content: 'hi' }]))
  assert.equal(noFile.statusCode, 422)
  assert.deepEqual(noFile.json(), {
    detail: 'No file: send it as multipart/form-data in a field named "data"',
    code: 'DARA_ERR_UPLOAD_NO_FILE',
  })
})

void test('401 without a session token: the body is not read and the resolver never runs', async (t) => {
  let ran = false
  const app = appWith(t, new UploadDropzone({ accept: '*', resolver: () => (ran = true) }))
  const { body, contentType } = fileBody('a.csv', 'x\n1\n')
  const res = await app.inject({
    method: 'POST',
    url: URL_OF('home:0.0'),
    headers: { 'content-type': contentType },
    payload: body,
  })
  assert.equal(res.statusCode, 401)
  assert.equal(res.json<{ code: string }>().code, 'DARA_ERR_AUTH_NO_CREDENTIALS')
  assert.equal(ran, false)
})

void test("a resolver's HttpError reaches the client; any other error is a 500 that leaks nothing", async (t) => {
  const config = new ConfigurationBuilder()
  config.addPage(
    'Home',
    new Stack([
      new UploadDropzone({
        accept: '*',
        resolver: () => {
          throw new HttpError(409, 'Already uploaded')
        },
      }),
      new UploadDropzone({
        accept: '*',
        resolver: () => {
          throw new Error('disk path /srv/secret is full')
        },
      }),
    ]),
  )
  const { app, logs } = buildLoggedApp(t, config)
  const conflict = await post(app, URL_OF('home:0.0'), fileBody('a.csv', 'x'))
  assert.equal(conflict.statusCode, 409)
  assert.deepEqual(conflict.json(), { detail: 'Already uploaded' })
  const broken = await post(app, URL_OF('home:0.1'), fileBody('a.csv', 'x'))
  assert.equal(broken.statusCode, 500)
  assert.deepEqual(broken.json(), { detail: 'Internal Server Error' })
  const logged = logs.find((line) => line.level === LEVEL.error)
  assert.match(logged?.err?.message ?? '', /disk path \/srv\/secret is full/)
})
