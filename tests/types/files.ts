// Checked by `npm run typecheck`: the handler's `files`, typed from `options.files`.
import { expectTypeOf } from 'expect-type'
import { z } from 'zod'
import { post, type UploadFile } from 'dara-ts/http'

post(
  '/reports',
  {
    files: {
      report: { maxSize: 1024, accept: '.csv' },
      images: { many: true },
      notes: { optional: true },
    },
    body: z.object({ title: z.string() }),
  },
  ({ files, body }) => {
    expectTypeOf(files.report).toEqualTypeOf<UploadFile>()
    expectTypeOf(files.images).toEqualTypeOf<UploadFile[]>()
    expectTypeOf(files.notes).toEqualTypeOf<UploadFile | undefined>()
    expectTypeOf(body.title).toEqualTypeOf<string>()
    // @ts-expect-error only the declared fields are there
    return files.other
  },
)

// A route without `files` has no `files` in its context.
post('/plain', (ctx) => {
  // @ts-expect-error no files option, no files
  return ctx.files
})
