// One worker of `dara start --workers N`: the app itself, run by start() as one
// process runs it, reporting to the primary (workers.ts) over the cluster's IPC
// channel instead of printing: where it listens, or why it could not start.
import { MemorySessionStore } from '../auth/memory-session-store.ts'
import { DaraError } from '../errors.ts'
import { reportText } from './report.ts'
import { start, type StartOptions } from './start.ts'
import type { WorkerMessage } from './workers.ts'

function send(message: WorkerMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send) return done()
    process.send(message, undefined, {}, () => done())
  })
}

/** Runs the app in this worker; `count` is how many workers the primary runs. */
export async function runWorker(options: StartOptions, count: number): Promise<void> {
  // Ctrl+C reaches every process of the terminal; the primary stops each worker with one SIGTERM.
  process.on('SIGINT', () => undefined)
  try {
    await start({
      ...options,
      supervisor: {
        check(app) {
          const { store } = app.sessions
          if (count > 1 && store instanceof MemorySessionStore) {
            throw new DaraError('DARA_ERR_WORKERS_MEMORY_STORE', count, store.constructor.name)
          }
        },
        listening(text) {
          void send({ type: 'dara:listening', text })
        },
      },
    })
  } catch (error) {
    await send({ type: 'dara:failed', report: reportText(error) })
    // Whatever the app's modules left running (a timer, a socket) must not keep a failed start alive.
    process.exit(1)
  }
}
