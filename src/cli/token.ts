import { signAdminRequest, type AdminAction } from '../auth/admin-request.ts'
import { MemorySessionStore } from '../auth/memory-session-store.ts'
import { resolveSecret } from '../auth/secret.ts'
import { createTokenService } from '../auth/tokens.ts'
import { DaraError } from '../errors.ts'
import { createApp, type DaraApp } from '../server/create-app.ts'
import { loadEntry } from './load-entry.ts'
import { cliAppOptions } from './start.ts'
import { parseAppUrl, parseDuration, parseScopes, parseSession, parseUser } from './token-args.ts'

export interface TokenValues {
  readonly user?: string | undefined
  readonly expires?: string | undefined
  readonly scope?: readonly string[] | undefined
  readonly session?: string | undefined
  readonly url?: string | undefined
}

/** What the command does to the app's sessions: in its shared store, or through the running app. */
interface Target {
  create(user: string, ttlSeconds: number, scopes: readonly string[] | undefined): Promise<Minted>
  revoke(sessionId: string): Promise<void>
  revokeUser(user: string): Promise<number>
}

interface Minted {
  readonly token: string
  readonly sessionId: string
  readonly expiresAt: string
}

/** `dara token create|revoke [entry] ...`. */
export async function token(
  positionals: readonly (string | undefined)[],
  values: TokenValues,
): Promise<void> {
  const [action, entry = 'main.ts', ...extra] = positionals
  if (extra[0] !== undefined)
    throw new DaraError('DARA_ERR_CLI_USAGE', `Unexpected argument "${extra[0]}"`)
  if (action === 'create') {
    refuse(values, ['session'], 'create')
    const user = parseUser(values.user)
    const ttlSeconds = parseDuration(values.expires ?? '30d')
    const scopes = parseScopes(values.scope)
    const url = parseAppUrl(values.url)
    await withTarget(entry, url, async (target) => {
      const minted = await target.create(user, ttlSeconds, scopes)
      // The token alone on stdout, so that `$(dara token create ...)` captures it.
      console.log(minted.token)
      const limited = scopes ? `; scopes: ${scopes.join(', ')}` : ''
      console.error(
        `Token for user "${user}", session ${minted.sessionId}, valid until ${minted.expiresAt}${limited}`,
      )
    })
    return
  }
  if (action === 'revoke') {
    refuse(values, ['expires', 'scope'], 'revoke')
    const url = parseAppUrl(values.url)
    if (values.user !== undefined) {
      if (values.session !== undefined) {
        throw new DaraError('DARA_ERR_CLI_USAGE', 'Give --session ID or --user NAME, not both')
      }
      const user = parseUser(values.user)
      await withTarget(entry, url, async (target) => {
        const count = await target.revokeUser(user)
        console.error(
          `User "${user}": ${count} session${count === 1 ? '' : 's'} revoked; their tokens and cookies are refused from now on`,
        )
      })
      return
    }
    const sessionId = parseSession(values.session)
    await withTarget(entry, url, async (target) => {
      await target.revoke(sessionId)
      console.error(`Session ${sessionId} revoked: its tokens are refused from now on`)
    })
    return
  }
  throw new DaraError(
    'DARA_ERR_CLI_USAGE',
    `Unknown token action "${action ?? ''}"; use "token create" or "token revoke"`,
  )
}

function refuse(values: TokenValues, keys: readonly (keyof TokenValues)[], action: string): void {
  const given = keys.find((key) => values[key] !== undefined)
  if (given)
    throw new DaraError('DARA_ERR_CLI_USAGE', `--${given} is not an option of "token ${action}"`)
}

/**
 * Builds the app as `dara start` does, for its secret and session store only
 * (its startup functions do not run, and nothing listens). A shared store
 * (Redis) is written directly; a memory store lives in the running app's
 * process, so the command asks that app, at `url`, through its admin routes.
 */
async function withTarget(
  entry: string,
  url: string,
  work: (target: Target) => Promise<void>,
): Promise<void> {
  const app = createApp(await loadEntry(entry), { ...cliAppOptions(), logger: false })
  try {
    const { store } = app.sessions
    if (store instanceof MemorySessionStore) {
      await work(remote(url, store.constructor.name))
      return
    }
    if (!(await store.ready(5000))) {
      throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', store.unavailableReason)
    }
    await work(local(app))
  } finally {
    await app.close()
  }
}

function local(app: DaraApp): Target {
  return {
    async create(user, ttlSeconds, scopes) {
      const minted = await app.sessions.mint(
        { identityId: user, identityName: user, groups: [] },
        { ttlSeconds, ...(scopes === undefined ? {} : { scopes }) },
      )
      return { ...minted, expiresAt: minted.expiresAt.toISOString() }
    },
    revoke: (sessionId) => app.sessions.revoke(sessionId),
    revokeUser: (user) => app.sessions.revokeUser(user),
  }
}

function remote(url: string, storeName: string): Target {
  // The secret the app signs with, found as `dara start` finds it.
  const { secret } = resolveSecret({ env: process.env })
  const { keyed } = createTokenService({ secret, clock: Date.now })
  async function call(action: AdminAction, payload: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(payload)
    let res: Response
    try {
      res = await fetch(new URL(`/api/auth/admin/${action}`, url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: signAdminRequest(keyed, action, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      })
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
      const why = cause instanceof Error ? cause.message : String(cause)
      throw new DaraError('DARA_ERR_TOKEN_APP_UNREACHABLE', storeName, url, why)
    }
    const answer: unknown = await res.json().catch(() => undefined)
    const fields = typeof answer === 'object' && answer !== null ? { ...answer } : {}
    if (!res.ok) {
      const detail = 'detail' in fields ? JSON.stringify(fields.detail) : '(no detail)'
      throw new DaraError('DARA_ERR_TOKEN_APP_REFUSED', url, res.status, detail)
    }
    return fields
  }
  return {
    async create(user, ttlSeconds, scopes) {
      const answer = await call('token', { user, ttlSeconds, ...(scopes ? { scopes } : {}) })
      return {
        token: String(answer['token']),
        sessionId: String(answer['sessionId']),
        expiresAt: String(answer['expiresAt']),
      }
    },
    async revoke(sessionId) {
      await call('revoke', { sessionId })
    },
    async revokeUser(user) {
      return Number((await call('revoke', { user }))['revoked'])
    },
  }
}
