import { parseArgs } from 'node:util'
import { DaraError } from '../errors.ts'
import { hashPasswordCommand } from './hash-password.ts'
import { report } from './report.ts'

const USAGE = `Usage: dara <command> [options]

Commands:
  init [dir]             Write a new app into dir (default: this folder): package.json,
                         main.ts, its test, tsconfig.json, .gitignore; never over a file
  start [entry]          Start the app exported as \`config\` by entry (default: main.ts)
  build [entry]          Build the React side of the app's own components (static ui)
                         for a production start, into .dara/ui (or --out, DARA_COMPONENTS_DIR)
  routes [entry]         Print every route the app mounts: method, path, auth, groups,
                         origin, configurations and dependencies
  token create [entry]   Print a token for scripts that authenticates as --user on that app
  token revoke [entry]   Revoke the token of --session, or every session of --user
  hash-password          Print the scrypt hash of a password read from the terminal or
                         standard input (echo -n pw | dara hash-password), for
                         BasicAuthConfig and MultiBasicAuthConfig

Options for start:
  --port <n>             Port to listen on (default: 8000, or PORT)
  --host <host>          Interface to listen on (default: 127.0.0.1)
  --reload               Restart when a file under the entry's folder changes; logins
                         stay valid across restarts
  --workers <n|auto>     Run the app in n processes sharing the port (auto: one per
                         core; or DARA_WORKERS); a worker that dies is replaced. More
                         than one needs a shared session store (DARA_REDIS_URL)

Options for build:
  --out <dir>            Where to write the build (default: DARA_COMPONENTS_DIR, else .dara/ui);
                         start the app with DARA_COMPONENTS_DIR set to the same folder

Options for routes:
  --json                 Print the route manifest as JSON, as checkRouteManifest() compares it

Options for token (run where the app runs, with its DARA_JWT_SECRET and store; with
the default memory store the command goes through the running app at --url):
  --user <name>          create: the user the token authenticates as (required);
                         revoke: revoke every session of this user
  --expires <duration>   create: lifetime, such as 30d, 12h or 90m (default: 30d)
  --scope <scope>        create: limit the token to routes listing this scope (repeatable)
  --session <id>         revoke: the session id that create printed
  --url <url>            the running app (default: DARA_URL, else http://127.0.0.1:8000)

  -h, --help             Show this help

Environment for start (see docs/reliability.md and docs/deploy.md):
  DARA_GRACE_MS          time requests in flight get after SIGTERM (10000)
  DARA_SHUTDOWN_DELAY_MS time after SIGTERM that /api/core/ready answers 503 while
                         requests are still served, for a load balancer to notice (0)
  DARA_WORKERS           as --workers
  DARA_COMPONENTS_DIR    where the app's own components are built (.dara/ui); a production
                         start reads them there and builds nothing
  DARA_BODY_LIMIT, DARA_MAX_HEADER_SIZE, DARA_MAX_PARAM_LENGTH, DARA_MAX_JSON_DEPTH,
  DARA_HEADERS_TIMEOUT_MS, DARA_REQUEST_TIMEOUT_MS, DARA_HANDLER_TIMEOUT_MS,
  DARA_KEEP_ALIVE_TIMEOUT_MS, DARA_MAX_CONNECTIONS, DARA_CORS_ORIGINS
  DARA_UPLOAD_MIN_RATE   bytes per second an upload must keep up, over each window (4096;
                         0 turns it off); uploads are not cut by DARA_REQUEST_TIMEOUT_MS
  DARA_UPLOAD_RATE_WINDOW_MS  the window that rate is measured over (10000)
  DARA_UPLOAD_TIMEOUT_MS time an upload may take in all (900000)`

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  user: { type: 'string' },
  expires: { type: 'string' },
  scope: { type: 'string', multiple: true },
  session: { type: 'string' },
  url: { type: 'string' },
  reload: { type: 'boolean' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Which options each command takes; any other is a usage error. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  init: [],
  start: ['port', 'host', 'reload', 'workers'],
  routes: ['json'],
  build: ['out'],
  token: ['user', 'expires', 'scope', 'session', 'url'],
}

/** parseArgs, with its complaints (unknown option, missing value) as usage errors. */
function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS })
  } catch (error) {
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      throw new DaraError('DARA_ERR_CLI_USAGE', error.message.split(/\.(?:\s|$)/)[0])
    }
    throw error
  }
}

// Each command loads only what it needs: `dara init` or `dara --help` need no
// server, and a usage error is printed before Fastify and the app are loaded.
async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parse(argv)
  const [command, entry, ...rest] = positionals
  if (values.help || command === undefined) {
    console.log(USAGE)
    return
  }
  if (command === 'hash-password') {
    if (entry !== undefined)
      throw new DaraError('DARA_ERR_CLI_USAGE', `Unexpected argument "${entry}"`)
    await hashPasswordCommand()
    return
  }
  const allowed = COMMAND_OPTIONS[command]
  if (allowed === undefined)
    throw new DaraError('DARA_ERR_CLI_USAGE', `Unknown command "${command}"`)
  const stray = Object.keys(values).find((key) => key !== 'help' && !allowed.includes(key))
  if (stray !== undefined)
    throw new DaraError('DARA_ERR_CLI_USAGE', `--${stray} is not an option of "${command}"`)
  if (command === 'token') {
    const { token } = await import('./token.ts')
    await token([entry, ...rest], values)
    return
  }
  if (rest.length) throw new DaraError('DARA_ERR_CLI_USAGE', `Unexpected argument "${rest[0]}"`)
  if (command === 'init') {
    const { init } = await import('./init.ts')
    init(entry)
    return
  }
  if (command === 'build') {
    const { buildCommand } = await import('./build.ts')
    await buildCommand({ entry: entry ?? 'main.ts', out: values.out })
    return
  }
  if (command === 'routes') {
    const { printRoutes } = await import('./routes.ts')
    await printRoutes({ entry: entry ?? 'main.ts', json: values.json ?? false })
    return
  }
  const given = values.port ?? process.env['PORT'] ?? '8000'
  const port = /^\d+$/.test(given) ? Number(given) : NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `--port must be a whole number from 0 to 65535, got "${given}"`,
    )
  }
  const options = { entry: entry ?? 'main.ts', port, host: values.host ?? '127.0.0.1' }
  const [workersFrom, workers] =
    values.workers !== undefined
      ? ['--workers', values.workers]
      : ['DARA_WORKERS', process.env['DARA_WORKERS'] || undefined]
  if (workers !== undefined) {
    if (values.reload) {
      throw new DaraError(
        'DARA_ERR_CLI_USAGE',
        `--reload and ${workersFrom} do not mix: --reload runs one process that restarts when a file changes, --workers several that run as they are; drop one of them`,
      )
    }
    const { startWorkers, workerCount } = await import('./workers.ts')
    await startWorkers(options, workerCount(workersFrom, workers))
  } else if (values.reload) {
    // The reloader itself runs no app: it needs neither Fastify nor the app's modules.
    const { startWithReload } = await import('./reload.ts')
    await startWithReload(options)
  } else {
    const { start } = await import('./start.ts')
    await start(options)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  report(error)
  process.exitCode = 1
})
