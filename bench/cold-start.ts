// Cold start: from spawning `dara start` on the seed example to its first 200.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { call } from './http.ts'
import { freePort } from './servers.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** The seed's public route: it answers 200 without a token. */
export const COLD_START_PATH = '/api/public'
export const COLD_START_COMMAND = 'node bin/dara.js start examples/seed/main.ts --port <free port>'
const TIMEOUT_MS = 20_000

/** Milliseconds from spawn to the first 200 on COLD_START_PATH, polled every 2 ms. */
export async function coldStart(secret: string): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(
    process.execPath,
    ['bin/dara.js', 'start', 'examples/seed/main.ts', '--port', String(port)],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', DARA_JWT_SECRET: secret },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`dara start exited (${child.signalCode ?? child.exitCode}) before a 200`)
      }
      if (performance.now() - started > TIMEOUT_MS) {
        throw new Error(`dara start gave no 200 within ${TIMEOUT_MS} ms`)
      }
      try {
        const answer = await call(port, COLD_START_PATH)
        if (answer.status === 200) return performance.now() - started
        throw new Error(`GET ${COLD_START_PATH} answered ${answer.status}: ${answer.body}`)
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && error.code === 'ECONNREFUSED')) {
          throw error
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}
