import { createHash } from 'node:crypto'

/** SHA-256 of a secret (hex): what stores keep instead of handles, refresh tokens and names. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
