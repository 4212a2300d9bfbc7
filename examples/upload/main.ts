// A page where people upload files: each one is saved to a folder, and the
// page says how many are there. Start it with `npm run example:upload`, or
// `npx dara start examples/upload/main.ts`, then open http://127.0.0.1:8000/.
// UPLOAD_DIR sets the folder (default: examples/upload/uploads).
import { mkdirSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { ConfigurationBuilder } from 'dara-ts'
import {
  Button,
  Card,
  Heading,
  Stack,
  Text,
  UploadDropzone,
  navigate,
  refresh,
} from 'dara-ts/components'

const folder = process.env['UPLOAD_DIR'] ?? fileURLToPath(new URL('uploads/', import.meta.url))
mkdirSync(folder, { recursive: true })

/** The files saved so far; temporary files of uploads in flight start with a dot. */
async function savedCount(): Promise<number> {
  const names = await readdir(folder)
  return names.filter((name) => !name.startsWith('.')).length
}

export const config = new ConfigurationBuilder()

config.addPage(
  'Upload',
  new Stack([
    new Heading('Upload files'),
    new Text(async () => {
      const count = await savedCount()
      return `${count} ${count === 1 ? 'file' : 'files'} saved`
    }),
    new UploadDropzone({
      accept: '*',
      maxSize: 5 * 1024 * 1024,
      enablePaste: true,
      // The file streams to disk under a name dara-ts makes safe; the client
      // gets that name back, never the server's path.
      resolver: async (file) => (await file.saveTo(folder)).name,
      onDrop: refresh(),
    }),
  ]),
)

config.addPage(
  'About',
  new Card(
    [
      new Text('Files up to 5 MiB are saved, one at a time, into the uploads folder.'),
      new Button('Upload a file', { onClick: navigate('upload') }),
    ],
    { title: 'About this example' },
  ),
)
