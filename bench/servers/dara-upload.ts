// Case "upload": one UploadDropzone whose resolver streams each file to
// BENCH_UPLOAD_DIR, with a limit above the 1 GiB the runner sends.
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { UploadDropzone } from 'dara-ts/components'
import { benchSecret, serve } from './listen.ts'

const folder = process.env['BENCH_UPLOAD_DIR']
if (folder === undefined) throw new Error('BENCH_UPLOAD_DIR must name the folder uploads go to')

const config = new ConfigurationBuilder()
config.addPage(
  'Upload',
  new UploadDropzone({
    accept: '*',
    maxSize: 2 * 1024 ** 3,
    resolver: async (file) => (await file.saveTo(folder)).size,
  }),
)

await serve(createApp(config, { logger: false, secret: benchSecret() }))
