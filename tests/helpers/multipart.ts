// Multipart bodies built by hand, byte for byte as a browser's FormData sends
// them, so that tests control every part (names, types, cut-off bodies).
import { randomBytes } from 'node:crypto'

export interface Part {
  readonly name: string
  readonly filename?: string
  readonly type?: string
  readonly content: string | Buffer
}

export interface MultipartBody {
  readonly body: Buffer
  readonly contentType: string
}

export function multipart(parts: readonly Part[]): MultipartBody {
  const boundary = `----dara${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition =
      part.filename === undefined
        ? `form-data; name="${part.name}"`
        : `form-data; name="${part.name}"; filename="${part.filename}"`
    const head =
      `--${boundary}\r\nContent-Disposition: ${disposition}\r\n` +
      (part.type ? `Content-Type: ${part.type}\r\n` : '') +
      '\r\n'
    chunks.push(Buffer.from(head), Buffer.from(part.content), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** A body holding one file in the field `data`, as UploadDropzone sends it. */
export function fileBody(
  filename: string,
  content: string | Buffer,
  type = 'text/csv',
): MultipartBody {
  return multipart([{ name: 'data', filename, type, content }])
}
