import { parseArgs } from 'node:util'
import { DaraError } from '../errors.ts'
import { hashPasswordCommand } from './hash-password.ts'
import { report } from './report.ts'
import { start } from './start.ts'

const USAGE = `Usage: dara <command> [options]

Commands:
  start [entry]     Start the app exported as \`config\` by entry (default: main.ts)
  routes [entry]    Print every route the app mounts: method, path, auth, groups,
                    origin, configurations and dependencies
  hash-password     Print the scrypt hash of a password read from the terminal or
                    standard input (echo -n pw | dara hash-password), for
                    BasicAuthConfig and MultiBasicAuthConfig

Options for start:
  --port <n>        Port to listen on (default: 8000, or PORT)
  --host <host>     Interface to listen on (default: 127.0.0.1)
  --reload          Restart when a file under the entry's folder changes; tokens
                    stay valid across restarts

Options for routes:
  --json            Print the route manifest as JSON, as checkRouteManifest() compares it

  -h, --help        Show this help`

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  reload: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

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
  if (command !== 'start' && command !== 'routes')
    throw new DaraError('DARA_ERR_CLI_USAGE', `Unknown command "${command}"`)
  if (rest.length) throw new DaraError('DARA_ERR_CLI_USAGE', `Unexpected argument "${rest[0]}"`)
  const misplaced =
    command === 'routes' ? (['port', 'host', 'reload'] as const) : (['json'] as const)
  for (const option of misplaced) {
    if (values[option] !== undefined)
      throw new DaraError('DARA_ERR_CLI_USAGE', `--${option} is not an option of "${command}"`)
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
  if (values.reload) {
    // The reloader itself runs no app: it needs neither Fastify nor the app's modules.
    const { startWithReload } = await import('./reload.ts')
    await startWithReload(options)
  } else {
    await start(options)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  report(error)
  process.exitCode = 1
})
