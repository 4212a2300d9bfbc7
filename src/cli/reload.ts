import { fork, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { basename, dirname, extname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ManifestRoute } from '../server/manifest.ts'
import type { GoMessage } from './reload-child.ts'
import type { StartOptions } from './start.ts'

// .js once compiled; .ts where this repository runs src/ through tsx, which the
// warm child then needs too.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url))
const WARM_CHILD = fileURLToPath(new URL(`./reload-child${OWN_EXTENSION}`, import.meta.url))
const WARM_CHILD_ARGV =
  OWN_EXTENSION === '.ts'
    ? [...process.execArgv, '--import', import.meta.resolve('tsx')]
    : process.execArgv
/** How long a stopping server may finish its requests before it is killed. */
const STOP_GRACE_MS = 300
/** Saves that land together (an editor's write and rename) make one restart. */
const DEBOUNCE_MS = 25
const WATCHED = /\.(?:[cm]?[jt]sx?|json)$/
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'coverage'])

/** What a server started by the reloader tells it once it listens. */
export interface ReadyMessage {
  readonly type: 'dara:ready'
  readonly port: number
  readonly routes: readonly ManifestRoute[]
}

export function isReadyMessage(value: unknown): value is ReadyMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    value.type === 'dara:ready' &&
    'routes' in value &&
    Array.isArray(value.routes)
  )
}

const line = (r: ManifestRoute): string =>
  `${r.method.padEnd(7)}${r.path}  ${r.authenticated ? 'authenticated' : 'PUBLIC'}${
    r.groups.length ? ` (${r.groups.join(', ')})` : ''
  }`

/** What changed in the route table, one line a route: `+` added, `-` removed, `~` changed. */
export function routeDiff(
  before: readonly ManifestRoute[],
  after: readonly ManifestRoute[],
): string[] {
  const key = (r: ManifestRoute): string => `${r.method} ${r.path}`
  const old = new Map(before.map((r) => [key(r), r]))
  const now = new Map(after.map((r) => [key(r), r]))
  const lines: string[] = []
  for (const [k, r] of now) {
    const was = old.get(k)
    if (was === undefined) lines.push(`  + ${line(r)}`)
    else if (JSON.stringify(was) !== JSON.stringify(r)) lines.push(`  ~ ${line(r)}`)
  }
  for (const [k, r] of old) if (!now.has(k)) lines.push(`  - ${line(r)}`)
  return lines
}

/** A port that is free now, for `--port 0`: every restart must reuse one port. */
function freePort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => done(port))
    })
  })
}

function ignored(root: string): (path: string) => boolean {
  return (path) => {
    const parts = relative(root, path).split(sep)
    return parts.some((part) => SKIPPED.has(part) || (part.startsWith('.') && part.length > 1))
  }
}

/**
 * `dara start --reload`: runs the app in a child process and starts a new one
 * when a file under the entry's folder changes. Every child signs with the
 * same secret and reads the same development sessions, so a login stays valid
 * across restarts. A child that fails to start prints its error and the
 * watcher waits for the next save.
 */
export async function startWithReload(options: StartOptions): Promise<void> {
  const entry = resolve(options.entry)
  const root = dirname(entry)
  const port = options.port === 0 ? await freePort(options.host) : options.port
  // Each server finds the same signing secret and sessions: DARA_JWT_SECRET, or
  // in development the secret and session files under .dara/ (dot-folders are
  // not watched, so a login does not restart the app).
  const env: NodeJS.ProcessEnv = { ...process.env, DARA_RELOAD_CHILD: '1' }
  const say = (text: string): void => console.log(`[dara] ${text}`)

  let child: ChildProcess | undefined
  let routes: readonly ManifestRoute[] | undefined
  let restarting: Promise<void> | undefined
  let pending: string[] = []
  let changedAt = 0
  let closing = false

  const stopChild = async (): Promise<void> => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((done) => running.once('exit', () => done()))
    running.kill('SIGTERM')
    // A dev server holding a stream open must not hold the next one back.
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }

  // The next server waits loaded (Node, TypeScript loader, framework) for the next change.
  const warm = (): ChildProcess =>
    fork(WARM_CHILD, [entry], { env, execArgv: WARM_CHILD_ARGV, stdio: 'inherit' })
  let spare: ChildProcess | undefined

  /** `changedAt`: when the first file of this restart changed, so the time printed is the user's wait. */
  const startChild = (reason: string | undefined, changedAt = Date.now()): Promise<void> => {
    const running = spare ?? warm()
    spare = undefined
    child = running
    const go: GoMessage = { type: 'dara:go', options: { ...options, entry, port } }
    running.send(go)
    return new Promise<void>((done) => {
      running.on('message', (message) => {
        if (!isReadyMessage(message)) return
        const ms = Date.now() - changedAt
        if (routes === undefined) {
          // From this process's start: the wait of whoever ran `dara start --reload`.
          say(
            `ready in ${Math.round(performance.now())} ms; watching ${root} for changes; restarts keep sessions`,
          )
        } else {
          const diff = routeDiff(routes, message.routes)
          say(`restarted in ${ms} ms${reason ? ` after a change to ${reason}` : ''}`)
          console.log(
            diff.length ? `[dara] routes changed:\n${diff.join('\n')}` : '[dara] routes unchanged',
          )
        }
        routes = message.routes
        done()
      })
      running.once('exit', (code, signal) => {
        if (running === child && !closing) {
          child = undefined
          say(
            `the app stopped (${signal ?? `exit code ${code}`}); still watching: save a file to start it again`,
          )
        }
        done()
      })
    }).then(() => {
      if (!closing) spare ??= warm()
    })
  }

  const restart = async (): Promise<void> => {
    while (pending.length > 0 && !closing) {
      const changed = [...new Set(pending)].join(', ')
      const since = changedAt
      pending = []
      await stopChild()
      await startChild(changed, since)
    }
    restarting = undefined
  }

  let timer: NodeJS.Timeout | undefined
  // Loaded here: only --reload needs it, and every `dara` command would pay for it.
  const { watch } = await import('chokidar')
  const watcher = watch(root, { ignored: ignored(root), ignoreInitial: true })
  watcher.on('all', (_event, path) => {
    if (!WATCHED.test(path)) return
    if (pending.length === 0) changedAt = Date.now()
    pending.push(relative(root, path) || basename(path))
    clearTimeout(timer)
    timer = setTimeout(() => {
      restarting ??= restart()
    }, DEBOUNCE_MS)
  })
  await new Promise<void>((ready) => watcher.once('ready', () => ready()))
  await startChild(undefined)

  const shutdown = (): void => {
    if (closing) process.exit(1)
    closing = true
    spare?.kill('SIGTERM')
    void Promise.all([watcher.close(), restarting, stopChild()]).finally(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}
