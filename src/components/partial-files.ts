import { createHash } from 'node:crypto'
import { readdir, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'

/**
 * The temporary files of saveTo(): `.<name>.<host>-<pid>.part` beside the file
 * it becomes, where `<name>` starts with the time the upload began. A process
 * that crashes mid-upload leaves one behind; the next process to save into the
 * same folder sweeps it, telling it from an upload still running by its host,
 * its process id and its age.
 */

/** Six hex digits of the host name: a partial file names its machine without showing it. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 6)

/** `.<time>-<random>-<name>.<host>-<pid>.part`, as partialName() makes it. */
const PARTIAL = /^\.(\d{13})-[0-9a-f]{8}-.*?(?:\.([0-9a-f]{6})-(\d+))?\.part$/

/** The partial files this process is writing now, by path. */
const writing = new Set<string>()

/** The folders this process has swept already. */
const swept = new Set<string>()

/** The temporary name of `name` while its upload runs. */
export function partialName(name: string): string {
  return `.${name}.${HOST}-${process.pid}.part`
}

/** Registers a partial file being written; the function returned forgets it. */
export function writingPartial(path: string): () => void {
  writing.add(path)
  return () => writing.delete(path)
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, under another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/**
 * Whether a partial file can belong to no upload in flight: older than any
 * upload may last (`staleAfterMs`), or written on this host by a process that
 * is gone, or by this very process id (a process before a restart that reused
 * it, as in a container) but not now.
 */
function stale(file: string, path: string, now: number, staleAfterMs: number): boolean {
  const match = PARTIAL.exec(file)
  if (!match) return false
  if (now - Number(match[1]) > staleAfterMs) return true
  if (match[2] !== HOST || match[3] === undefined) return false
  const pid = Number(match[3])
  if (pid === process.pid) return !writing.has(path)
  return !running(pid)
}

/**
 * Removes the partial files of `folder` that no upload can still be writing.
 * Runs once per folder and process, at its first saveTo(): what a crash left
 * goes at the first upload after the restart. Errors (a folder that cannot be
 * listed, a file removed meanwhile) are ignored: the upload itself goes on.
 */
export async function sweepOnce(folder: string, staleAfterMs: number): Promise<void> {
  if (swept.has(folder)) return
  swept.add(folder)
  let files: string[]
  try {
    files = await readdir(folder)
  } catch {
    return
  }
  const now = Date.now()
  await Promise.all(
    files
      .filter((file) => stale(file, join(folder, file), now, staleAfterMs))
      .map((file) => unlink(join(folder, file)).catch(() => undefined)),
  )
}
