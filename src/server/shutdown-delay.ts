import { DaraError } from '../errors.ts'
import { parseWhole } from './limits.ts'

/** The shutdown delay from the option, else DARA_SHUTDOWN_DELAY_MS, else 0. */
export function shutdownDelayOf(given: number | undefined): number {
  if (given !== undefined) {
    if (Number.isSafeInteger(given) && given >= 0) return given
    throw new DaraError(
      'DARA_ERR_SERVER_OPTION_INVALID',
      'shutdownDelay',
      'a whole number from 0',
      given,
    )
  }
  const raw = process.env['DARA_SHUTDOWN_DELAY_MS']
  return raw === undefined || raw === '' ? 0 : parseWhole('DARA_SHUTDOWN_DELAY_MS', raw, 0)
}
