import { parseArgs } from 'node:util'
import { DaraError } from '../errors.ts'
import { hashPasswordCommand } from './hash-password.ts'
import { start } from './start.ts'
import { token } from './token.ts'

const USAGE = `Usage: dara <command> [options]

Commands:
  start [entry]          Start the app exported as \`config\` by entry (default: main.ts)
  token create [entry]   Print a token for scripts that authenticates as --user on that app
  token revoke [entry]   Revoke the token of --session through the app's session store
  hash-password          Print the scrypt hash of a password read from the terminal or
                         standard input (echo -n pw | dara hash-password), for
                         BasicAuthConfig and MultiBasicAuthConfig

Options for start:
  --port <n>             Port to listen on (default: 8000, or PORT)
  --host <host>          Interface to listen on (default: 127.0.0.1)

Options for token (run where the app runs, with its DARA_JWT_SECRET and store):
  --user <name>          create: the user the token authenticates as (required)
  --expires <duration>   create: lifetime, such as 30d, 12h or 90m (default: 30d)
  --scope <scope>        create: limit the token to routes listing this scope (repeatable)
  --session <id>         revoke: the session id that create printed

  -h, --help             Show this help`

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  user: { type: 'string' },
  expires: { type: 'string' },
  scope: { type: 'string', multiple: true },
  session: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Which options each command takes; any other is a usage error. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  start: ['port', 'host'],
  token: ['user', 'expires', 'scope', 'session'],
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
    await token([entry, ...rest], values)
    return
  }
  if (rest.length) throw new DaraError('DARA_ERR_CLI_USAGE', `Unexpected argument "${rest[0]}"`)
  const given = values.port ?? process.env['PORT'] ?? '8000'
  const port = /^\d+$/.test(given) ? Number(given) : NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `--port must be a whole number from 0 to 65535, got "${given}"`,
    )
  }
  await start({ entry: entry ?? 'main.ts', port, host: values.host ?? '127.0.0.1' })
}

/** One readable line, and for the app's own errors the place they were thrown. */
function report(error: unknown): void {
  if (error instanceof DaraError) {
    console.error(`error ${error.message}`)
    return
  }
  const message = error instanceof Error ? error.message : String(error)
  console.error(`error: ${message}`)
  const frame =
    error instanceof Error
      ? error.stack
          ?.split('\n')
          .find((line) => /^\s+at /.test(line) && !/node_modules|node:/.test(line))
      : undefined
  if (frame) console.error(frame)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  report(error)
  process.exitCode = 1
})
