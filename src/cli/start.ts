import { builderState } from '../config/state.ts'
import { createApp, type AppOptions, type DaraApp } from '../server/create-app.ts'
import { parseWhole } from '../server/limits.ts'
import { describeApp } from '../server/manifest.ts'
import { methodName } from '../http/ws.ts'
import { loadEntry } from './load-entry.ts'
import { startTelemetry } from './telemetry.ts'
import type { ReadyMessage } from './reload.ts'

/**
 * How every command of the CLI builds an app, so that `dara token` reaches the
 * same secret and session store as `dara start`. In development, sessions are
 * kept in a file beside the generated secret, so a restart (or --reload) logs
 * nobody out. Production chooses its own store: `DARA_REDIS_URL`, or
 * `DARA_SESSION_FILE` for one process (which development honours too).
 */
export function cliAppOptions(): AppOptions {
  const env = process.env
  return env['NODE_ENV'] !== 'production' && !env['DARA_SESSION_FILE']
    ? { sessionFile: '.dara/sessions.json' }
    : {}
}

export interface StartOptions {
  readonly entry: string
  readonly port: number
  readonly host: string
  /** Milliseconds that requests in flight get to finish after SIGTERM; default `DARA_GRACE_MS`, else 10 s. */
  readonly graceMs?: number
  /** Under `--workers`: the worker's side of the primary (see workers.ts). */
  readonly supervisor?: Supervisor
}

/**
 * What a worker of `dara start --workers` does differently: it checks the app
 * fits several processes, tells the primary where it listens instead of
 * printing it (the primary prints once), and leaves Ctrl+C to the primary.
 */
export interface Supervisor {
  check(app: DaraApp): void
  listening(text: string, port: number): void
}

const DEFAULT_GRACE_MS = 10_000

/** Loads the app, listens, prints where and what, and closes gracefully on SIGINT or SIGTERM. */
export async function start(options: StartOptions): Promise<void> {
  const graceEnv = process.env['DARA_GRACE_MS']
  const graceMs =
    options.graceMs ?? (graceEnv ? parseWhole('DARA_GRACE_MS', graceEnv, 1) : DEFAULT_GRACE_MS)
  // Under `dara start --reload` the reloader's IPC channel must not keep a
  // server that failed to start alive.
  const reloaded = process.env['DARA_RELOAD_CHILD'] === '1'
  process.channel?.unref()
  const config = await loadEntry(options.entry)
  // Workers of --workers would race to write one folder: they use what `dara build` wrote.
  if (process.env['NODE_ENV'] !== 'production' && !options.supervisor) {
    const { prepareComponents } = await import('./components.ts')
    const prepared = await prepareComponents(config)
    if (prepared.kind === 'built')
      console.log(`[dara] built the React side of ${prepared.names.join(', ')}`)
  }
  const stopTelemetry = await startTelemetry()
  const app = createApp(config, cliAppOptions())
  options.supervisor?.check(app)
  try {
    await app.listen({ port: options.port, host: options.host })
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new Error(
        `port ${options.port} is already in use on ${options.host}; choose another with --port`,
        { cause: error },
      )
    }
    throw error
  }
  let closing = false
  const stop = (signal: string): void => {
    if (closing) process.exit(1)
    closing = true
    app.log.info({ signal, graceMs }, 'Closing: finishing requests in flight')
    // Past the grace period, whatever is still open is cut, and the exit code says so.
    const deadline = setTimeout(() => {
      app.server.getConnections((_error, connections) => {
        app.log.error({ graceMs, connections }, 'Grace period over: cutting the connections left')
        app.server.closeAllConnections()
        process.exit(1)
      })
    }, graceMs).unref()
    app
      .close()
      .then(() => stopTelemetry?.())
      .then(
        () => {
          clearTimeout(deadline)
          process.exit(0)
        },
        (err: unknown) => {
          app.log.error({ err }, 'Close failed')
          process.exit(1)
        },
      )
  }
  // Installed before anything says the app listens: whoever reads that line may
  // stop the app at once, and must find it ready to close gracefully. Under the
  // reloader or the primary of --workers, Ctrl+C reaches every process of the
  // terminal: they stop this one with SIGTERM, once, so it can finish its requests.
  if (!reloaded && !options.supervisor) process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))

  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  const lines = app.routePlans.map(
    (plan) =>
      `  ${methodName(plan.route).padEnd(7)}${plan.path.padEnd(32)}${plan.route.authenticated ? 'authenticated' : 'public'}`,
  )
  // The UI's pages: each answers at its path with the app, which asks /api/core/pages for it.
  for (const page of builderState(config).pages)
    lines.push(`  ${'GET'.padEnd(7)}${`/${page.path}`.padEnd(32)}page "${page.name}"`)
  if (app.hasRoute({ method: 'GET', url: '/api/docs' })) {
    lines.push(`API docs: http://${host}:${port}/api/docs (OpenAPI: /api/openapi.json)`)
  }
  // From the start of the process (Node's time origin); the reloader reports its own restarts.
  if (!reloaded) lines.push(`ready in ${Math.round(performance.now())} ms`)
  const text = `dara-ts app ${options.entry} listening on http://${host}:${port}\n${lines.join('\n')}`
  if (options.supervisor) options.supervisor.listening(text, port)
  else console.log(text)

  if (reloaded && process.send) {
    const ready: ReadyMessage = {
      type: 'dara:ready',
      port,
      routes: describeApp(config, app),
    }
    process.send(ready)
    // The reloader went away without stopping us: do not outlive it.
    process.on('disconnect', () => stop('disconnect'))
  }
}
