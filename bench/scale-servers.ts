// The processes of `npm run bench:scale`: `dara start` as a user runs it (with
// or without --workers), and HAProxy with deploy/haproxy.cfg in front of several.
// Each reports the pids whose CPU time the runner adds up.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { call } from './http.ts'
import { userEnv } from './registry-node.ts'
import { freePort } from './servers.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ENTRY = 'bench/servers/scale-app.ts'
const START_TIMEOUT_MS = 60_000

export interface Running {
  readonly port: number
  /** Every process of it, the workers included. */
  pids(): number[]
  stop(): Promise<void>
}

/** The children of a process, from /proc (the workers of a primary). */
function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
}

/** `dara start` on a free port (`--workers n` when given), once it listens. */
export async function startDara(env: Record<string, string>, workers?: number): Promise<Running> {
  const port = await freePort()
  const args = ['bin/dara.js', 'start', ENTRY, '--port', String(port)]
  if (workers !== undefined) args.push('--workers', String(workers))
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // The compiled package (dist/), as a deployed app runs it; tsx loads the entry file only.
    env: { ...userEnv({}), ...env, NODE_ENV: 'production' },
    // The log goes nowhere, as a log collector would take it.
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (out.length < 100_000) out += chunk
  })
  const deadline = Date.now() + START_TIMEOUT_MS
  while (!/listening on http:/.test(out)) {
    if (child.exitCode !== null) throw new Error(`dara start exited:\n${out}`)
    if (Date.now() > deadline) throw new Error(`dara start did not listen:\n${out}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  child.stdout.removeAllListeners('data').resume()
  const pid = child.pid ?? 0
  // tsx's esbuild service is a child too: only node processes serve.
  return {
    port,
    pids: () => [pid, ...children(pid).filter((c) => readComm(c) === 'node')],
    stop: stopper(child),
  }
}

function readComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return ''
  }
}

/** HAProxy with deploy/haproxy.cfg over `ports`, once it has sent a request to each. */
export async function startHaproxy(ports: readonly number[]): Promise<Running> {
  const port = await freePort()
  const child = spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DARA_LB_BIND: `127.0.0.1:${port}`,
      ...Object.fromEntries(ports.map((p, i) => [`DARA_APP_${i + 1}`, `127.0.0.1:${p}`])),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const deadline = Date.now() + START_TIMEOUT_MS
  for (let answered = 0; answered < ports.length * 2;) {
    if (child.exitCode !== null) throw new Error('haproxy exited')
    if (Date.now() > deadline) throw new Error('haproxy did not serve')
    const ok = await call(port, '/api/hello').then(
      (answer) => answer.status === 200,
      () => false,
    )
    if (ok) answered++
    else await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const pid = child.pid ?? 0
  return { port, pids: () => [pid], stop: stopper(child) }
}
