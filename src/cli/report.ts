import { DaraError } from '../errors.ts'

/** One readable line, and for the app's own errors the place they were thrown. */
export function report(error: unknown): void {
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
