import type { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { DaraError } from '../errors.ts'
import type { UploadTiming } from './upload-registry.ts'

/**
 * Keeps one upload bounded in time, in place of the request and handler
 * timeouts, which would cut a slow but steady upload:
 *
 * - while the body arrives, at least `minRate` bytes per second over each
 *   `rateWindow` (a window where the app itself is not reading does not count
 *   against the client), and the whole upload within `timeout`; else 408;
 * - once the body has arrived, the resolver has `handlerTimeout`; else 503;
 * - a client that goes away ends it at once.
 *
 * Whichever comes first destroys the file part with its error, so every reader
 * of the resolver fails (saveTo removes its temporary file) and nothing waits
 * for bytes that will not come; `failed` rejects with it, once.
 */
export class UploadGuard {
  /** Rejects with the error that ended the upload; never resolves. */
  readonly failed: Promise<never>
  private reason: DaraError | undefined
  private part: Readable | undefined
  // Assigned by the promise's executor, which runs within the constructor.
  private fail!: (error: DaraError) => void
  private readonly timers: NodeJS.Timeout[] = []
  private readonly cleanups: (() => void)[] = []

  constructor(raw: IncomingMessage, timing: UploadTiming) {
    this.failed = new Promise<never>((_resolve, reject) => {
      this.fail = (error) => {
        if (this.reason) return
        this.reason = error
        this.part?.destroy(error)
        this.end()
        reject(error)
      }
    })
    // Raced against the work, it may lose: its rejection is then nobody's business.
    this.failed.catch(() => undefined)

    const onEnd = (): void => this.bodyReceived(timing.handlerTimeout)
    raw.once('end', onEnd)
    this.cleanups.push(() => raw.off('end', onEnd))

    const socket = raw.socket
    // light-my-request's requests have no socket to lose, to count or to take the timeout of.
    if (socket instanceof Socket) {
      const onClose = (): void => this.fail(new DaraError('DARA_ERR_UPLOAD_ABORTED'))
      socket.once('close', onClose)
      this.cleanups.push(() => socket.off('close', onClose), timing.ownTime(socket))
      if (timing.minRate > 0) this.watchRate(raw, socket, timing)
    }
    this.after(timing.timeout, () =>
      this.fail(new DaraError('DARA_ERR_UPLOAD_TIMEOUT', timing.timeout / 1000)),
    )
  }

  /** The file part of the upload, destroyed with the error if the upload fails. */
  watch(part: Readable): void {
    this.part = part
    if (this.reason) part.destroy(this.reason)
  }

  /** `work`, or the error that ended the upload first. */
  run<T>(work: Promise<T>): Promise<T> {
    // The work settles later (a resolver cleaning up); its outcome is then dropped.
    work.catch(() => undefined)
    return Promise.race([work, this.failed])
  }

  /** Stops every bound: the upload is over, answered or not. */
  end(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer)
    for (const cleanup of this.cleanups.splice(0)) cleanup()
  }

  /** The body is in: the time bounds of the transfer end, the resolver's own starts. */
  private bodyReceived(handlerTimeout: number): void {
    if (this.reason) return
    for (const timer of this.timers.splice(0)) clearTimeout(timer)
    if (handlerTimeout > 0) {
      this.after(handlerTimeout, () =>
        this.fail(new DaraError('DARA_ERR_REQUEST_TIMEOUT', handlerTimeout)),
      )
    }
  }

  /**
   * Counts what the socket read over each window: a request body cannot be
   * counted with a 'data' listener, which would start it flowing before the
   * multipart parser is piped to it.
   */
  private watchRate(raw: IncomingMessage, socket: Socket, timing: UploadTiming): void {
    const need = Math.ceil((timing.minRate * timing.rateWindow) / 1000)
    let checked = socket.bytesRead
    this.every(timing.rateWindow, () => {
      const progress = socket.bytesRead - checked
      checked = socket.bytesRead
      // Paused by the pipe: the app is behind, not the client.
      if (progress < need && raw.readableFlowing !== false) {
        this.fail(
          new DaraError(
            'DARA_ERR_UPLOAD_STALLED',
            progress,
            timing.rateWindow / 1000,
            timing.minRate,
          ),
        )
      }
    })
  }

  private after(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms).unref())
  }

  private every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms).unref())
  }
}
