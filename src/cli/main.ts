import { parseArgs } from 'node:util'
import { DaraError } from '../errors.ts'
import { hashPasswordCommand } from './hash-password.ts'
import { start } from './start.ts'

const USAGE = `Usage: dara <command> [options]

Commands:
  start [entry]     Start the app exported as \`config\` by entry (default: main.ts)
  hash-password     Print the scrypt hash of a password read from the terminal or
                    standard input (echo -n pw | dara hash-password), for
                    BasicAuthConfig and MultiBasicAuthConfig

Options for start:
  --port <n>        Port to listen on (default: 8000, or PORT)
  --host <host>     Interface to listen on (default: 127.0.0.1)
  -h, --help        Show this help`

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
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
  if (command !== 'start') throw new DaraError('DARA_ERR_CLI_USAGE', `Unknown command "${command}"`)
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
