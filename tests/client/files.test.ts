// dara-ts/client sends files to a route with `options.files` as a FormData,
// on a real socket: the server gets the fields and the files' bytes and names.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { ConfigurationBuilder } from 'dara-ts'
import { createClient, ResponseError } from 'dara-ts/client'
import { post } from 'dara-ts/http'
import { listen, sessionToken } from '../helpers/listen.ts'

const reports = post(
  '/reports',
  {
    files: { report: { accept: '.csv' }, images: { many: true, optional: true } },
    body: z.object({ title: z.string(), tags: z.array(z.string()) }),
  },
  async ({ files, body }) => ({
    title: body.title,
    tags: body.tags,
    report: [files.report.filename, await files.report.text()],
    images: files.images.map((image) => image.filename),
  }),
)
export const routes = { reports }

void test('a call with files sends a FormData the route reads', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(reports)
  const { baseUrl } = await listen(t, config)
  const client = createClient<typeof routes>(baseUrl, { token: await sessionToken(baseUrl) })
  const result = await client.post('/reports', {
    body: { title: 'Q3', tags: ['a', 'b'] },
    files: {
      report: new File(['a,b\n1,2\n'], 'q3.csv', { type: 'text/csv' }),
      images: [new File(['x'], 'one.png'), new File(['y'], 'two.png')],
    },
  })
  assert.deepEqual(result, {
    title: 'Q3',
    tags: ['a', 'b'],
    report: ['q3.csv', 'a,b\n1,2\n'],
    images: ['one.png', 'two.png'],
  })

  // @ts-expect-error the route needs its report file
  const missing = client.post('/reports', { body: { title: 'Q3', tags: [] }, files: {} })
  const error = await missing.then(
    () => assert.fail('the call succeeded'),
    (e: unknown) => e,
  )
  assert.ok(error instanceof ResponseError)
  assert.equal(error.status, 422)
  assert.equal(error.detail, 'POST /api/reports needs a file in the field "report"')
  assert.equal(error.code, 'DARA_ERR_FILES_MISSING')
})
