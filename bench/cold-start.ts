// Cold start: from spawning a server process to its first 200.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { call } from './http.ts'
import { freePort } from './servers.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** The seed's public route: it answers 200 without a token. */
export const COLD_START_PATH = '/api/public'
export const COLD_START_COMMAND = 'node bin/dara.js start examples/seed/main.ts --port <free port>'
const TIMEOUT_MS = 20_000

export interface Spawned {
  /** The Node binary. */
  readonly node: string
  /** Its arguments; `{port}` is replaced by a free port. */
  readonly args: readonly string[]
  readonly env: NodeJS.ProcessEnv
  readonly path: string
}

/** Milliseconds from spawn to the first 200 on `path`, polled every 2 ms. */
export async function timeToFirst200(spawned: Spawned): Promise<number> {
  const port = await freePort()
  const args = spawned.args.map((arg) => arg.replace('{port}', String(port)))
  const started = performance.now()
  const child = spawn(spawned.node, args, {
    cwd: ROOT,
    env: spawned.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${args.join(' ')} exited (${child.signalCode ?? child.exitCode}) before a 200`,
        )
      }
      if (performance.now() - started > TIMEOUT_MS) {
        throw new Error(`${args.join(' ')} gave no 200 within ${TIMEOUT_MS} ms`)
      }
      try {
        const answer = await call(port, spawned.path)
        if (answer.status === 200) return performance.now() - started
        throw new Error(`GET ${spawned.path} answered ${answer.status}: ${answer.body}`)
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

/** `dara start` on the seed example, as `npm run bench` measures it. */
export function coldStart(secret: string): Promise<number> {
  return timeToFirst200({
    node: process.execPath,
    args: ['bin/dara.js', 'start', 'examples/seed/main.ts', '--port', '{port}'],
    env: { ...process.env, NODE_ENV: 'production', DARA_JWT_SECRET: secret },
    path: COLD_START_PATH,
  })
}
