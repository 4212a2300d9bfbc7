// `dara start --workers N`: node:cluster runs the app in N worker processes that
// share one port. The primary runs no app: it forks the workers, prints where
// they listen once, starts a new worker when one dies (waiting longer each time
// one dies young), and on SIGTERM or Ctrl+C has every worker drain its requests.
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import pino from 'pino'
import { DaraError } from '../errors.ts'
import { parseWhole } from '../server/limits.ts'
import type { StartOptions } from './start.ts'

/** The first restart of a worker waits this long; each quick death doubles it. */
const FIRST_BACKOFF_MS = 100
const MAX_BACKOFF_MS = 10_000
/** A worker that served this long died of something new: its back-off starts over. */
const HEALTHY_MS = 10_000
const DEFAULT_GRACE_MS = 10_000
/** What the primary waits past the workers' own grace period before it kills them. */
const BACKSTOP_MS = 2000

/**
 * The number of workers `given` asks for (`--workers` or `DARA_WORKERS`):
 * `auto` is one per core; otherwise a whole number from 1 to 4 per core.
 */
export function workerCount(name: string, given: string): number {
  const cores = availableParallelism()
  if (given.trim() === 'auto') return cores
  const max = 4 * cores
  const count = /^\d+$/.test(given.trim()) ? Number(given.trim()) : NaN
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new DaraError(
      'DARA_ERR_CLI_USAGE',
      `${name} must be a whole number from 1 to ${max} (4 per core, ${cores} cores here) or auto, got ${JSON.stringify(given)}`,
    )
  }
  return count
}

/** What a worker (worker.ts) tells the primary. */
export type WorkerMessage =
  | { readonly type: 'dara:listening'; readonly text: string }
  /** `report`: the error as `dara start` prints it, for the primary to print once. */
  | { readonly type: 'dara:failed'; readonly report: string }

function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    (value.type === 'dara:listening' || value.type === 'dara:failed')
  )
}

/** One place in the pool: the worker filling it now, and how often it died young. */
interface Slot {
  readonly id: number
  worker: Worker | undefined
  /** When the worker began to serve (0 until it listens): a slow start is not a healthy life. */
  servingSince: number
  listened: boolean
  deaths: number
  /** The start error the worker sent before it exited. */
  failure: string | undefined
  restart: NodeJS.Timeout | undefined
}

function why(code: number | null, signal: string | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`
}

/**
 * Runs `dara start` under node:cluster: in the primary, forks `count` workers
 * that re-run this command; in a worker, runs the app (worker.ts).
 */
export async function startWorkers(options: StartOptions, count: number): Promise<void> {
  if (cluster.isWorker) {
    const { runWorker } = await import('./worker.ts')
    await runWorker(options, count)
    return
  }
  const graceEnv = process.env['DARA_GRACE_MS']
  const graceMs =
    options.graceMs ?? (graceEnv ? parseWhole('DARA_GRACE_MS', graceEnv, 1) : DEFAULT_GRACE_MS)
  const log = pino({ level: process.env['DARA_LOG_LEVEL'] ?? 'info' })

  let phase: 'starting' | 'running' | 'stopping' | 'failed' = 'starting'
  let announcement = ''
  let exitCode = 0
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    worker: undefined,
    servingSince: 0,
    listened: false,
    deaths: 0,
    failure: undefined,
    restart: undefined,
  }))
  const live = (): Worker[] => slots.flatMap((slot) => (slot.worker ? [slot.worker] : []))

  const fork = (slot: Slot): void => {
    slot.restart = undefined
    slot.listened = false
    slot.failure = undefined
    slot.servingSince = 0
    // A replacement runs the same command: with --port 0 it shares the port the
    // cluster chose for the first workers, as long as one of them still holds it.
    const worker = cluster.fork()
    slot.worker = worker
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return
      if (message.type === 'dara:failed') {
        slot.failure = message.report
        return
      }
      slot.listened = true
      slot.servingSince = Date.now()
      announcement ||= message.text
      if (phase === 'running') {
        log.info({ worker: slot.id, workerPid: worker.process.pid }, `Worker ${slot.id} is back`)
      } else if (phase === 'starting' && slots.every((s) => s.listened)) {
        phase = 'running'
        const pids = live().map((w) => w.process.pid)
        console.log(
          `${announcement}\n${count} worker${count === 1 ? '' : 's'} (pids ${pids.join(', ')}); a worker that dies is replaced`,
        )
      }
    })
    // 'close' rather than 'exit': it waits for the IPC channel, so a start error
    // the worker sent just before exiting has arrived.
    worker.process.once('close', (code, signal) => {
      slot.worker = undefined
      exited(slot, worker, code, signal)
    })
  }

  /** Once every worker has exited: the one error of a failed start, then the exit code. */
  let startError: string | undefined
  const finish = (): void => {
    if (live().length > 0) return
    if (startError !== undefined) console.error(startError)
    process.exit(exitCode)
  }

  const stopAll = (signal: NodeJS.Signals): void => {
    for (const slot of slots) clearTimeout(slot.restart)
    for (const worker of live()) worker.process.kill(signal)
    // A worker that cannot finish in its grace period is cut, and the exit code says so.
    setTimeout(() => {
      if (live().length === 0) return
      log.error({ graceMs }, 'Workers still running past the grace period: killing them')
      exitCode = 1
      for (const worker of live()) worker.process.kill('SIGKILL')
    }, graceMs + BACKSTOP_MS).unref()
    finish()
  }

  const exited = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    const pid = worker.process.pid
    if (phase === 'stopping' || phase === 'failed') {
      // A worker stopped before it listened had nothing to drain.
      const clean = code === 0 || (signal === 'SIGTERM' && !slot.listened)
      if (!clean && phase === 'stopping') {
        log.error(
          { worker: slot.id, workerPid: pid, code, signal },
          `Worker ${slot.id} ${why(code, signal)}`,
        )
        exitCode = 1
      }
      finish()
      return
    }
    if (phase === 'starting') {
      // The app cannot start: stop the others and say why once.
      phase = 'failed'
      exitCode = 1
      startError =
        slot.failure ??
        `error ${new DaraError('DARA_ERR_WORKER_EXITED', slot.id, why(code, signal)).message}`
      stopAll('SIGTERM')
      return
    }
    const young = slot.servingSince === 0 || Date.now() - slot.servingSince < HEALTHY_MS
    slot.deaths = young ? slot.deaths + 1 : 1
    const delay = Math.min(FIRST_BACKOFF_MS * 2 ** (slot.deaths - 1), MAX_BACKOFF_MS)
    const before = slot.failure ? ` before it listened: ${slot.failure}` : ''
    log.error(
      { worker: slot.id, workerPid: pid, code, signal, restartInMs: delay },
      `Worker ${slot.id} (pid ${pid}) ${why(code, signal)}${before}; starting a new one in ${delay} ms`,
    )
    slot.restart = setTimeout(() => fork(slot), delay)
  }

  const stop = (signal: NodeJS.Signals): void => {
    if (phase === 'stopping' || phase === 'failed') {
      // A second Ctrl+C: stop now.
      for (const worker of live()) worker.process.kill('SIGKILL')
      process.exit(1)
    }
    phase = 'stopping'
    log.info({ signal, graceMs, workers: live().length }, 'Stopping the workers')
    stopAll('SIGTERM')
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))

  for (const slot of slots) fork(slot)
}
