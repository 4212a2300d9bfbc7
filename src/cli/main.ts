import { parseArgs } from 'node:util'
import { DaraError } from '../errors.ts'
import { start } from './start.ts'

const USAGE = `Usage: dara <command> [options]

Commands:
  start [entry]     Start the app exported as \`config\` by entry (default: main.ts)

Options for start:
  --port <n>        Port to listen on (default: 8000, or PORT)
  --host <host>     Interface to listen on (default: 127.0.0.1)
  -h, --help        Show this help`

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, entry, ...rest] = positionals
  if (values.help || command === undefined) {
    console.log(USAGE)
    return
  }
  if (command !== 'start') throw new DaraError('DARA_ERR_CLI_USAGE', `Unknown command "${command}"`)
  if (rest.length) throw new DaraError('DARA_ERR_CLI_USAGE', `Unexpected argument "${rest[0]}"`)
  const port = Number(values.port ?? process.env['PORT'] ?? 8000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `--port must be a whole number from 0 to 65535, got "${values.port}"`,
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
