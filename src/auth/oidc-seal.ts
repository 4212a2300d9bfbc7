import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { parseJsonObject } from './json-object.ts'

/**
 * Seals small JSON objects into cookie values that the browser holds but can
 * neither read nor change: AES-256-GCM with a key derived from the app's
 * secret, the cookie's name bound in as associated data (a value sealed for
 * one cookie is refused in another) and an expiry inside. Every process with
 * the same secret opens what another sealed, so logins work across workers.
 */
export interface Seal {
  /** The sealed text of `value`, good for `seconds`. */
  close(purpose: string, value: Record<string, unknown>, seconds: number): string
  /** The object sealed for `purpose`, or undefined when it is not one, was changed, or expired. */
  open(purpose: string, sealed: string | undefined): Record<string, unknown> | undefined
}

/** `keyed` is the app's HMAC (tokens.keyed); `clock` its clock in epoch milliseconds. */
export function createSeal(keyed: (text: string) => string, clock: () => number): Seal {
  const key = Buffer.from(keyed('dara-ts oidc seal\0v1'), 'base64url')
  return {
    close(purpose, value, seconds) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(purpose))
      const body = JSON.stringify({ ...value, exp: clock() + seconds * 1000 })
      const data = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')
    },
    open(purpose, sealed) {
      if (sealed === undefined || sealed.length < 40 || sealed.length > 8000) return undefined
      const raw = Buffer.from(sealed, 'base64url')
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
        decipher.setAAD(Buffer.from(purpose))
        decipher.setAuthTag(raw.subarray(12, 28))
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()])
        const value = parseJsonObject(text.toString('utf8'))
        if (value === undefined || typeof value['exp'] !== 'number' || value['exp'] <= clock()) {
          return undefined
        }
        return value
      } catch {
        // A changed, truncated or foreign value: the tag does not match.
        return undefined
      }
    },
  }
}
