// Case "upload --route=files": a custom endpoint with `options.files` whose
// handler streams the file to BENCH_UPLOAD_DIR, with a limit above the 1 GiB
// the runner sends and a text field validated by `body`.
import { z } from 'zod'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { post } from 'dara-ts/http'
import { benchSecret, serve } from './listen.ts'

const folder = process.env['BENCH_UPLOAD_DIR']
if (folder === undefined) throw new Error('BENCH_UPLOAD_DIR must name the folder uploads go to')

const config = new ConfigurationBuilder()
config.addEndpoint(
  post(
    '/files',
    { files: { data: { maxSize: 2 * 1024 ** 3 } }, body: z.object({ title: z.string() }) },
    async ({ files }) => ({ status: 'SUCCESS', result: (await files.data.saveTo(folder)).size }),
  ),
)

await serve(createApp(config, { logger: false, secret: benchSecret() }))
