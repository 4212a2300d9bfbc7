// Cold start: from spawning a server process to its first 200.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { call } from './http.ts'
import { rssMiB } from './machine.ts'
import { userEnv } from './registry-node.ts'
import { freePort } from './servers.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** The public route of bench/cold-start's apps: it answers 200 without a token. */
export const COLD_START_PATH = '/api/public'
const TIMEOUT_MS = 20_000

export interface Spawned {
  /** The Node binary. */
  readonly node: string
  /** Its arguments; `{port}` is replaced by a free port. */
  readonly args: readonly string[]
  readonly env: NodeJS.ProcessEnv
  readonly path: string
}

/**
 * Milliseconds from spawn to the first 200 on `path`, polled every 2 ms;
 * `then` runs with the process still up (its pid and port), before it is stopped.
 */
export async function timeToFirst200(
  spawned: Spawned,
  then?: (pid: number, port: number) => Promise<void>,
): Promise<number> {
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
        if (answer.status === 200) {
          const ms = performance.now() - started
          if (then !== undefined && child.pid !== undefined) await then(child.pid, port)
          return ms
        }
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

/** The compiled one-route app as `dara start` runs it in production, and bare Fastify. */
export const COLD_START_COMMAND =
  'node bin/dara.js start bench/cold-start/app.js --port <free port>'
const COMPILED_APP = ['bin/dara.js', 'start', 'bench/cold-start/app.js', '--port', '{port}']
const BARE_FASTIFY = ['bench/cold-start/fastify.js', '{port}']

/** Cold starts of the compiled app and of bare Fastify on `node`, interleaved. */
export interface ColdStarts {
  readonly command: string
  /** Milliseconds of each spawn of the dara-ts app, in order. */
  readonly runs: readonly number[]
  readonly medianMs: number
  readonly fastifyMs: number
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
}

/** `runs` cold starts of each, alternating, so that a busy moment falls on both. */
export async function coldStartVersusFastify(
  node: string,
  runs: number,
  secret: string,
): Promise<ColdStarts> {
  const env = userEnv({ NODE_ENV: 'production', DARA_JWT_SECRET: secret })
  const dara: number[] = []
  const fastify: number[] = []
  for (let i = 0; i < runs; i++) {
    fastify.push(await timeToFirst200({ node, args: BARE_FASTIFY, env, path: COLD_START_PATH }))
    dara.push(await timeToFirst200({ node, args: COMPILED_APP, env, path: COLD_START_PATH }))
  }
  return {
    command: COLD_START_COMMAND,
    runs: dara,
    medianMs: median(dara),
    fastifyMs: median(fastify),
  }
}

/** RSS in MiB of the compiled app on `node`, a second after its first 200, as it idles. */
export async function idleRss(node: string, secret: string): Promise<number | undefined> {
  let rss: number | undefined
  await timeToFirst200(
    {
      node,
      args: COMPILED_APP,
      env: userEnv({ NODE_ENV: 'production', DARA_JWT_SECRET: secret }),
      path: COLD_START_PATH,
    },
    async (pid) => {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      rss = rssMiB(pid)
    },
  )
  return rss
}
