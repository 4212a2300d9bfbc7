// The upload case of `npm run bench` (not with --quick), or alone with
// `npm run bench:upload [-- --mib=N] [-- --route=files]`: one file of 1 GiB sent
// as multipart to an UploadDropzone whose resolver streams it to disk, or
// (--route=files) to a custom endpoint with `options.files`, whose file is
// spooled to a temporary file before its handler saves it. Measures throughput
// and the server's resident memory: its peak must stay within 100 MiB of idle.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { rssMiB } from './machine.ts'
import { startServer } from './servers.ts'

const SECRET = 'dara-ts-bench-secret-not-for-production-0001'
const CHUNK = 1024 * 1024
/** The most the server's memory may grow while it takes the file. */
const MAX_GROWTH_MIB = 100

/** Where the file goes: the built-in upload route, or a custom route with `files`. */
export type UploadRoute = 'dropzone' | 'files'

const TARGETS: Record<UploadRoute, { readonly file: string; readonly path: string }> = {
  dropzone: {
    file: 'servers/dara-upload.ts',
    path: `/api/core/data/upload?resolver_id=${encodeURIComponent('upload:0')}`,
  },
  files: { file: 'servers/dara-files.ts', path: '/api/files' },
}

export interface UploadResult {
  readonly route: UploadRoute
  readonly mib: number
  readonly seconds: number
  readonly mibPerSecond: number
  readonly idleRssMiB: number
  readonly peakRssMiB: number
}

async function token(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/session`, { method: 'POST' })
  const body = (await res.json()) as { token?: unknown }
  if (typeof body.token !== 'string') throw new Error(`no token: ${JSON.stringify(body)}`)
  return body.token
}

/** Sends `mib` MiB as one multipart file, respecting backpressure; resolves with the answer. */
function send(
  port: number,
  bearer: string,
  mib: number,
  path: string,
): Promise<{ status: number; body: string }> {
  const boundary = '----daraBenchBoundary'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="big.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  )
  // The text field after the file, as FormData sends one appended after it.
  const tail = Buffer.from(
    `\r\n--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbench\r\n--${boundary}--\r\n`,
  )
  const chunk = randomBytes(CHUNK)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + mib * CHUNK + tail.length,
        },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (text: string) => (body += text))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.write(head)
    let sent = 0
    const pump = (): void => {
      while (sent < mib) {
        sent++
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.end(tail)
    }
    pump()
  })
}

export async function runUploadBench(
  mib = 1024,
  route: UploadRoute = 'dropzone',
): Promise<UploadResult> {
  const folder = mkdtempSync(join(tmpdir(), 'dara-bench-upload-'))
  const target = TARGETS[route]
  const server = await startServer(
    { runtime: 'node', file: target.file },
    {
      BENCH_JWT_SECRET: SECRET,
      BENCH_UPLOAD_DIR: folder,
    },
  )
  try {
    const bearer = await token(server.port)
    // A small upload first, so that idle means "loaded and warm".
    const warm = await send(server.port, bearer, 1, target.path)
    if (warm.status !== 200) throw new Error(`warm-up upload answered ${warm.status}: ${warm.body}`)
    const idle = rssMiB(server.pid) ?? NaN
    let peak = idle
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid) ?? 0)), 20)
    const started = process.hrtime.bigint()
    const answer = await send(server.port, bearer, mib, target.path)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    clearInterval(sampler)
    peak = Math.max(peak, rssMiB(server.pid) ?? 0)
    const expected = JSON.stringify({ status: 'SUCCESS', result: mib * CHUNK })
    if (answer.status !== 200 || answer.body !== expected) {
      throw new Error(`upload answered ${answer.status} ${answer.body}; expected 200 ${expected}`)
    }
    const result = {
      route,
      mib,
      seconds,
      mibPerSecond: mib / seconds,
      idleRssMiB: idle,
      peakRssMiB: peak,
    }
    console.log(
      `bench upload (${route}): ${mib} MiB in ${seconds.toFixed(1)} s = ${result.mibPerSecond.toFixed(0)} MiB/s; ` +
        `server RSS idle ${idle.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB ` +
        `(+${(peak - idle).toFixed(0)} MiB, limit +${MAX_GROWTH_MIB})`,
    )
    if (peak - idle > MAX_GROWTH_MIB) {
      throw new Error(`bench upload: the server grew by ${(peak - idle).toFixed(0)} MiB`)
    }
    return result
  } finally {
    await server.stop()
    rmSync(folder, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      mib: { type: 'string', default: '1024' },
      route: { type: 'string', default: 'dropzone' },
    },
  })
  const mib = Number(values.mib)
  if (!Number.isInteger(mib) || mib < 1) throw new Error('--mib must be a whole number of MiB')
  if (values.route !== 'dropzone' && values.route !== 'files')
    throw new Error('--route must be dropzone or files')
  await runUploadBench(mib, values.route)
}
