// Real processes for the multi-process suites: `dara start` children and a
// Debian redis-server on a free loopback port, each killed when its test ends.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin', 'dara.js')

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  assert.ok(typeof address === 'object' && address !== null)
  return address.port
}

/** Waits until `text` shows in what a child printed, or fails after `timeout` ms. */
async function waitFor(
  child: ChildProcess,
  output: { text: string },
  pattern: RegExp,
  what: string,
  timeout = 60_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeout
  for (;;) {
    const match = pattern.exec(output.text)
    if (match) return match
    if (child.exitCode !== null || child.signalCode !== null) {
      assert.fail(`${what} exited before it was ready:\n${output.text}`)
    }
    if (Date.now() > deadline)
      assert.fail(`${what} not ready within ${timeout} ms:\n${output.text}`)
    await sleep(20)
  }
}

function capture(child: ChildProcess): { text: string } {
  const output = { text: '' }
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.text += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.text += chunk))
  return output
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('close', () => resolve()))
}

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops the server (SIGTERM: it writes its append-only file first). */
  stop(): Promise<void>
  /** Starts it again on the same port and data directory; `empty`: with its data gone, as a Redis without persistence comes back. */
  restart(options?: { readonly empty?: boolean }): Promise<void>
}

/**
 * redis-server on a free loopback port (or `port`), persisting to a temporary
 * directory (append-only, fsync always), so that a restart keeps what was written.
 */
export async function startRedis(t: TestContext, port?: number): Promise<RedisServer> {
  port ??= await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'dara-redis-'))
  let child: ChildProcess | undefined
  const launch = async () => {
    const started = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--protected-mode',
        'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = started
    await waitFor(started, capture(started), /Ready to accept connections/, 'redis-server', 30_000)
  }
  await launch()
  const stop = async () => {
    if (!child) return
    const running = child
    child = undefined
    running.kill('SIGTERM')
    await killed(running)
  }
  t.after(async () => {
    await stop()
    rmSync(dir, { recursive: true, force: true })
  })
  const restart = async (options: { readonly empty?: boolean } = {}) => {
    if (options.empty) {
      await stop()
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir)
    }
    await launch()
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop, restart }
}

export interface DaraProcess {
  readonly url: string
  readonly child: ChildProcess
  readonly output: { readonly text: string }
}

/** `dara start entry --port 0` in a child with `env` added; killed when the test ends. */
export async function startDara(
  t: TestContext,
  entry: string,
  env: Record<string, string>,
  cwd = ROOT,
): Promise<DaraProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DARA_LOG_LEVEL: 'warn', ...env }
  delete childEnv['PORT']
  const child = spawn(process.execPath, [BIN, 'start', entry, '--port', '0'], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = capture(child)
  t.after(async () => {
    child.kill('SIGKILL')
    await killed(child)
  })
  const match = await waitFor(
    child,
    output,
    /listening on (http:\/\/127\.0\.0\.1:\d+)$/m,
    'dara start',
  )
  return { url: String(match[1]), child, output }
}

/** Stops a dara process and waits for it to exit. */
export async function stopDara(app: DaraProcess): Promise<void> {
  app.child.kill('SIGTERM')
  await killed(app.child)
}

export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: unknown
}

/** A field of a JSON object answer, or undefined: reads a body without trusting its shape. */
export function field(body: unknown, key: string): unknown {
  if (typeof body !== 'object' || body === null) return undefined
  return Object.entries(body).find(([name]) => name === key)?.[1]
}

/**
 * One HTTP request on a connection of its own (no keep-alive): what reaches a
 * process is then read in the order it was sent, a revocation message included.
 */
export function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; json?: unknown } = {},
): Promise<Answer> {
  const payload = options.json === undefined ? undefined : JSON.stringify(options.json)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: {
          ...options.headers,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}
