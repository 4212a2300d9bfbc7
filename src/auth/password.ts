import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Hashes look like `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash in
 * base64url): the cost travels with the hash, so it can be raised later
 * without breaking the hashes already written.
 */
const PREFIX = '$scrypt$'
const HASH = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([\w-]{16,})\$([\w-]{43,})$/
const KEY_LENGTH = 32
/** 2^15 rounds of 8-block memory: about 32 MiB and a few tens of milliseconds a login. */
const DEFAULT_COST = 15

interface Params {
  readonly ln: number
  readonly r: number
  readonly p: number
  readonly salt: Buffer
  readonly hash: Buffer
}

function derive(password: string, params: Omit<Params, 'hash'>, length: number): Promise<Buffer> {
  const N = 2 ** params.ln
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      params.salt,
      length,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    )
  })
}

/** Whether a stored password is a hash `hashPassword` made (else it is plain text). */
export function isPasswordHash(stored: string): boolean {
  return stored.startsWith(PREFIX)
}

/** The parts of a hash, or a reason it is not one this module can check. */
export function parsePasswordHash(stored: string): Params | string {
  const match = HASH.exec(stored)
  if (!match) return 'it does not look like $scrypt$ln=<n>,r=<n>,p=<n>$<salt>$<hash>'
  const [, ln, r, p, salt, hash] = match
  const params = { ln: Number(ln), r: Number(r), p: Number(p) }
  // Bounds that keep one login from costing the server seconds or gigabytes.
  if (params.ln < 10 || params.ln > 20) return `its cost ln=${params.ln} is outside 10..20`
  if (params.r < 1 || params.r > 32 || params.p < 1 || params.p > 4) {
    return 'its r or p parameter is out of range'
  }
  return {
    ...params,
    salt: Buffer.from(String(salt), 'base64url'),
    hash: Buffer.from(String(hash), 'base64url'),
  }
}

/**
 * Hashes a password with scrypt and a random salt, in the form the auth
 * configs accept in place of a plain password. `dara hash-password` prints one.
 *
 * @example
 * ```ts
 * import { BasicAuthConfig, hashPassword } from 'dara-ts/auth'
 *
 * const password = await hashPassword('correct horse battery staple')
 * const auth = new BasicAuthConfig({ username: 'admin', password })
 * ```
 */
export async function hashPassword(
  password: string,
  options: { readonly cost?: number } = {},
): Promise<string> {
  const ln = options.cost ?? DEFAULT_COST
  const salt = randomBytes(16)
  const hash = await derive(password, { ln, r: 8, p: 1, salt }, KEY_LENGTH)
  return `${PREFIX}ln=${ln},r=8,p=1$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

/**
 * Checks a password against what was configured: a hash from
 * {@link hashPassword}, or plain text. Both comparisons take the same time
 * whatever the first wrong character.
 *
 * @example
 * ```ts
 * import { verifyPassword } from 'dara-ts/auth'
 *
 * const ok = await verifyPassword('attempt', '$scrypt$ln=15,r=8,p=1$...$...')
 * ```
 */
export async function verifyPassword(attempt: string, stored: string): Promise<boolean> {
  if (!isPasswordHash(stored)) return equalText(attempt, stored)
  const params = parsePasswordHash(stored)
  if (typeof params === 'string') return false
  const derived = await derive(attempt, params, params.hash.length)
  return timingSafeEqual(derived, params.hash)
}

/** Equal strings, compared in constant time: the digests have one length whatever the inputs. */
export function equalText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s.normalize('NFC')).digest()
  return timingSafeEqual(digest(a), digest(b))
}
