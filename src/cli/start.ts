import { createApp, type AppOptions } from '../server/create-app.ts'
import { loadEntry } from './load-entry.ts'

/**
 * How every command of the CLI builds an app, so that `dara token` reaches the
 * same secret and session store as `dara start`. In development, sessions are
 * kept in a file beside the generated secret, so a restart (or --reload) logs
 * nobody out. Production chooses its own store.
 */
export function cliAppOptions(): AppOptions {
  return process.env['NODE_ENV'] !== 'production' ? { sessionFile: '.dara/sessions.json' } : {}
}

export interface StartOptions {
  readonly entry: string
  readonly port: number
  readonly host: string
}

/** Loads the app, listens, prints where and what, and closes gracefully on SIGINT or SIGTERM. */
export async function start(options: StartOptions): Promise<void> {
  const config = await loadEntry(options.entry)
  const app = createApp(config, cliAppOptions())
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
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  const lines = app.routePlans.map(
    (plan) =>
      `  ${plan.route.method.padEnd(7)}${plan.path.padEnd(32)}${plan.route.authenticated ? 'authenticated' : 'public'}`,
  )
  if (app.hasRoute({ method: 'GET', url: '/api/docs' })) {
    lines.push(`API docs: http://${host}:${port}/api/docs (OpenAPI: /api/openapi.json)`)
  }
  console.log(
    `dara-ts app ${options.entry} listening on http://${host}:${port}\n${lines.join('\n')}`,
  )

  let closing = false
  const stop = (signal: string): void => {
    if (closing) process.exit(1)
    closing = true
    app.log.info({ signal }, 'Closing: finishing requests in flight')
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'Close failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}
