import { promisify } from 'node:util'
import { inflateRaw } from 'node:zlib'
import { DaraError } from '../errors.ts'
import { formatSize } from './csv-rows.ts'

const inflate = promisify(inflateRaw)

const END_OF_DIRECTORY = 0x06054b50
const DIRECTORY_ENTRY = 0x02014b50
const LOCAL_HEADER = 0x04034b50

/**
 * Checks what an .xlsx file (a zip archive) unpacks to before any reader
 * unpacks it: a few MiB of deflated XML can become gigabytes (a zip bomb),
 * and Excel readers hold the unpacked sheet in memory. Every entry's declared
 * sizes (the directory's and its own header's, which readers trust to size
 * their buffers) and its real inflated size must fit in `budget` bytes all
 * together; inflation stops at the budget. Fails with DARA_ERR_UPLOAD_XLSX for
 * what is not a zip archive, DARA_ERR_UPLOAD_XLSX_LIMIT past the budget.
 */
export async function checkUnpackedSize(zip: Buffer, budget: number): Promise<void> {
  const invalid = (why: string): DaraError => new DaraError('DARA_ERR_UPLOAD_XLSX', why)
  const tooLarge = (): DaraError =>
    new DaraError('DARA_ERR_UPLOAD_XLSX_LIMIT', `unpacks to more than ${formatSize(budget)}`)
  const end = findEnd(zip)
  if (end < 0) throw invalid('it is not a zip archive')
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  let used = 0
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== DIRECTORY_ENTRY)
      throw invalid('its zip directory is damaged')
    const method = zip.readUInt16LE(at + 10)
    const packed = zip.readUInt32LE(at + 20)
    const declared = zip.readUInt32LE(at + 24)
    const local = zip.readUInt32LE(at + 42)
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL_HEADER)
      throw invalid('a zip entry is damaged')
    const localDeclared = zip.readUInt32LE(local + 22)
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    if (start + packed > zip.length) throw invalid('a zip entry is cut short')
    const claimed = Math.max(declared, localDeclared)
    if (used + claimed > budget) throw tooLarge()
    let size = packed
    if (method === 8) {
      try {
        // Stops at the room left: a lying declared size cannot make it inflate more.
        const room = Math.max(1, budget - used)
        size = (await inflate(zip.subarray(start, start + packed), { maxOutputLength: room }))
          .length
      } catch (error) {
        if (error instanceof RangeError) throw tooLarge()
        throw invalid('a zip entry does not inflate')
      }
    } else if (method !== 0) throw invalid(`a zip entry uses compression method ${method}`)
    used += Math.max(claimed, size)
    if (used > budget) throw tooLarge()
  }
}

/** Where the end-of-directory record starts, or -1: it ends the file, before a comment of up to 64 KiB. */
function findEnd(zip: Buffer): number {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_DIRECTORY) return at
  }
  return -1
}
