// A server process that `dara start --reload` keeps warm: Node, the TypeScript
// loader and the framework are loaded ahead of time, so that after a change only
// the app itself is loaded. It starts the app when the reloader says so.
// Its one argument is the app's entry.
import { report } from './report.ts'
import { start, type StartOptions } from './start.ts'
import { TYPESCRIPT_FILE, loadTypeScript } from './typescript-loader.ts'

/** What the reloader sends a warm process to start the app. */
export interface GoMessage {
  readonly type: 'dara:go'
  readonly options: StartOptions
}

function isGo(value: unknown): value is GoMessage {
  return typeof value === 'object' && value !== null && 'type' in value && value.type === 'dara:go'
}

if (TYPESCRIPT_FILE.test(process.argv[2] ?? '')) await loadTypeScript()

// Ctrl+C reaches every process of the terminal; the reloader stops this one.
process.on('SIGINT', () => undefined)

process.on('message', function go(message: unknown) {
  if (!isGo(message)) return
  process.off('message', go)
  start(message.options).catch((error: unknown) => {
    report(error)
    process.exitCode = 1
    process.disconnect?.()
    // Whatever the app's modules left running (a timer, a socket) must not keep a failed start alive.
    setTimeout(() => process.exit(1), 100).unref()
  })
})
// The reloader went away before it needed this process.
process.once('disconnect', () => {
  if (process.listenerCount('message') > 0) process.exit(0)
})
