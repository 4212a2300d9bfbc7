import { isIP } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { DaraError } from '../errors.ts'

/** What `trustProxy` may be: on for every address, a hop count, or the proxies' addresses. */
export type TrustProxy = boolean | number | string | readonly string[]

/** What Fastify is given: every hop, a list of proxy addresses, or a test by hop. */
export type ResolvedTrust = true | string[] | ((address: string, hop: number) => boolean)

/** proxy-addr's names for address ranges, which Fastify's trustProxy accepts beside addresses. */
const RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * Fastify's trustProxy from the option, else from `DARA_TRUST_PROXY`: `true`;
 * a whole number, the count of proxies in front (`1` for one: the client is the
 * address that proxy appended to X-Forwarded-For); or comma-separated
 * addresses, CIDR ranges and proxy-addr's names (`loopback`). A malformed
 * value stops the start, naming the option or variable.
 *
 * Fastify 5.12 turned a numeric trustProxy into "trust nothing" (a hop count
 * cannot tell the proxy from a client that connects directly), so the count
 * is given to it as a function, as proxy-addr reads one: the socket's peer is
 * hop 0, the last X-Forwarded-For entry hop 1, and so on. The README says
 * when a count is enough (the app's port reachable only through the proxies).
 */
export function resolveTrustProxy(
  given: TrustProxy | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedTrust | undefined {
  if (given !== undefined) return check('trustProxy', given)
  const raw = env['DARA_TRUST_PROXY']?.trim()
  if (raw === undefined || raw === '' || raw === 'false') return undefined
  if (raw === 'true') return true
  return check('DARA_TRUST_PROXY', /^\d+$/.test(raw) ? Number(raw) : raw)
}

function check(name: string, value: TrustProxy): ResolvedTrust | undefined {
  if (typeof value === 'boolean') return value || undefined
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(name, String(value))
    return value === 0 ? undefined : (_address, hop) => hop < value
  }
  const list = (typeof value === 'string' ? value.split(',') : [...value]).map((v) => v.trim())
  for (const entry of list) if (!isProxyAddress(entry)) throw invalid(name, JSON.stringify(entry))
  return list
}

function isProxyAddress(entry: string): boolean {
  if (RANGES.has(entry)) return true
  const slash = entry.indexOf('/')
  if (slash === -1) return isIP(entry) !== 0
  const family = isIP(entry.slice(0, slash))
  const bits = entry.slice(slash + 1)
  if (family === 0) return false
  // A mask may be a prefix length or, for IPv4, a dotted netmask.
  if (/^\d+$/.test(bits)) return Number(bits) <= (family === 4 ? 32 : 128)
  return family === 4 && isIP(bits) === 4
}

function invalid(name: string, shown: string): DaraError {
  return new DaraError(
    'DARA_ERR_SERVER_OPTION_INVALID',
    name,
    'true, the number of proxies in front (1 for one), or their addresses and CIDR ranges, comma-separated',
    shown,
  )
}

/**
 * `true` trusts every hop, so Fastify takes the left-most X-Forwarded-For
 * entry, which the client writes: on an address the internet reaches, anyone
 * chooses their own address for the per-address login limit (and claims https
 * with X-Forwarded-Proto). Said once at start, with the listen address.
 */
export function warnOnTrustAll(app: FastifyInstance, trust: ResolvedTrust | undefined): void {
  if (trust !== true) return
  app.addHook('onListen', function warnTrustAll(done) {
    const open: string[] = []
    for (const a of app.addresses()) {
      // A unix socket (a string) is reached only through the file system.
      if (typeof a === 'string' || isLoopback(a.address)) continue
      open.push(a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`)
    }
    if (open.length > 0) {
      app.log.warn(
        { trustProxy: true, listen: open },
        'trustProxy is true (DARA_TRUST_PROXY=true) on %s, an address other machines reach: any client can set X-Forwarded-For and X-Forwarded-Proto, choosing its address for the login limits. Set DARA_TRUST_PROXY to the number of proxies in front (1 for one) or to their addresses.',
        open.join(', '),
      )
    }
    done()
  })
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address)
}
