import { DaraError } from '../errors.ts'

/** One readable line, and for the app's own errors the place they were thrown. */
export function reportText(error: unknown): string {
  if (error instanceof DaraError) return `error ${error.message}`
  const message = error instanceof Error ? error.message : String(error)
  const frame =
    error instanceof Error
      ? error.stack
          ?.split('\n')
          .find((line) => /^\s+at /.test(line) && !/node_modules|node:/.test(line))
      : undefined
  return frame ? `error: ${message}\n${frame}` : `error: ${message}`
}

/** Prints {@link reportText} on standard error. */
export function report(error: unknown): void {
  console.error(reportText(error))
}
