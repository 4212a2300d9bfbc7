import type { MultipartFile, MultipartValue } from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { accepts } from '../components/accept.ts'
import { formatSize } from '../components/csv-rows.ts'
import { toUploadError } from '../components/upload-errors.ts'
import type { UploadFile } from '../components/upload-file.ts'
import { UploadGuard } from '../components/upload-guard.ts'
import type { UploadTiming } from '../components/upload-registry.ts'
import { DaraError } from '../errors.ts'
import { MANY_MAX, MAX_TEXT_FIELDS, type FilesPlan } from './file-fields.ts'
import type { FileRoute } from './file-routes.ts'
import { Spool } from '../components/upload-spool.ts'

/**
 * Reads the multipart body of a request to a route with `options.files`:
 * each file spooled (see file-routes.ts for why), the text fields gathered
 * for `body`. Rejects with the upload's coded errors.
 */
export async function receiveFiles(
  request: FastifyRequest,
  reply: FastifyReply,
  route: FileRoute,
  timing: UploadTiming,
  bodyLimit: number,
): Promise<Received> {
  const where = `${route.plan.route.method} ${route.plan.path}`
  if (!request.isMultipart()) {
    const type = request.headers['content-type']?.split(';', 1)[0] ?? 'no content type'
    throw new DaraError('DARA_ERR_FILES_NOT_MULTIPART', where, route.files.names, type)
  }
  const spool = new Spool()
  const guard = new UploadGuard(request.raw, timing)
  const work = receive(request, route, where, spool, guard, timing, bodyLimit)
  // Removed once the response is over, and once no part is still being written.
  reply.raw.once('close', () => void work.then(noop, noop).then(() => spool.remove()))
  try {
    return await guard.run(work)
  } finally {
    guard.end()
  }
}

function noop(): void {}

/** The text fields for `body`, and the upload objects for `files`. */
export interface Received {
  readonly fields: Record<string, unknown>
  readonly files: Record<string, UploadFile | UploadFile[] | undefined>
}

async function receive(
  request: FastifyRequest,
  route: FileRoute,
  where: string,
  spool: Spool,
  guard: UploadGuard,
  timing: UploadTiming,
  bodyLimit: number,
): Promise<Received> {
  const plan = route.files
  const fields = Object.create(null) as Record<string, unknown>
  const lists = new Map<string, UploadFile[]>()
  let fieldBytes = 0
  const fieldsTooLarge = (): DaraError =>
    new DaraError('DARA_ERR_FILES_FIELDS_TOO_LARGE', formatSize(bodyLimit))
  let current: MultipartFile | undefined
  try {
    const parts = request.parts({
      // One over each bound: the checks below then see it first, with a message
      // that names the field (the file's own maxSize, the field's number of files).
      limits: {
        fileSize: plan.maxSize + 1,
        files: plan.maxFiles + 1,
        fields: MAX_TEXT_FIELDS,
        fieldSize: bodyLimit,
        parts: plan.maxFiles + 1 + MAX_TEXT_FIELDS,
      },
    })
    for await (const part of parts) {
      if (part.type === 'field') {
        fieldBytes += textField(fields, part)
        if (part.valueTruncated || fieldBytes > bodyLimit) throw fieldsTooLarge()
        continue
      }
      current = part
      guard.watch(part.file)
      const field = plan.fields.get(part.fieldname)
      if (!field)
        throw new DaraError('DARA_ERR_FILES_UNKNOWN_FIELD', where, part.fieldname, plan.names)
      const list = lists.get(part.fieldname) ?? []
      if (list.length >= (field.many ? MANY_MAX : 1))
        throw new DaraError('DARA_ERR_FILES_TOO_MANY', part.fieldname, field.many ? MANY_MAX : 1)
      if (!accepts(field.accept, part.filename, part.mimetype))
        throw new DaraError('DARA_ERR_UPLOAD_TYPE', part.mimetype || 'unknown', field.accept ?? '*')
      const spooled = await spool.write(part, field.maxSize, timing.timeout)
      list.push(spool.open(part, spooled, timing.timeout))
      lists.set(part.fieldname, list)
      current = undefined
    }
  } catch (error) {
    throw toFilesError(error, where, plan)
  } finally {
    // A part left unread (refused) goes: the rest of the body is read away by the server.
    if (current && !current.file.readableEnded) current.file.destroy()
  }
  const files: Record<string, UploadFile | UploadFile[] | undefined> = {}
  for (const [name, field] of plan.fields) {
    const list = lists.get(name) ?? []
    if (list.length === 0 && !field.optional)
      throw new DaraError('DARA_ERR_FILES_MISSING', where, name)
    files[name] = field.many ? list : list[0]
  }
  return { fields, files }
}

/** Adds a text field as a form body has it (a list for a repeated name); returns its size. */
function textField(fields: Record<string, unknown>, part: MultipartValue): number {
  const { fieldname: name, value } = part
  const known = fields[name]
  if (known === undefined) fields[name] = value
  else if (Array.isArray(known)) known.push(value)
  else fields[name] = [known, value]
  return name.length + (typeof value === 'string' ? value.length : JSON.stringify(value).length)
}

function toFilesError(error: unknown, where: string, plan: FilesPlan): unknown {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    if (/^FST_(FIELDS|PARTS|FILES)_LIMIT$/.test(error.code))
      return new DaraError(
        'DARA_ERR_FILES_TOO_MANY_PARTS',
        error.message,
        where,
        plan.maxFiles,
        MAX_TEXT_FIELDS,
      )
  }
  return toUploadError(
    error,
    () => new DaraError('DARA_ERR_UPLOAD_TOO_LARGE', formatSize(plan.maxSize)),
  )
}
