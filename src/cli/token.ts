import { MemorySessionStore } from '../auth/memory-session-store.ts'
import { DaraError } from '../errors.ts'
import { createApp, type DaraApp } from '../server/create-app.ts'
import { loadEntry } from './load-entry.ts'
import { cliAppOptions } from './start.ts'
import { parseDuration, parseScopes, parseSession, parseUser } from './token-args.ts'

export interface TokenValues {
  readonly user?: string | undefined
  readonly expires?: string | undefined
  readonly scope?: readonly string[] | undefined
  readonly session?: string | undefined
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
    await withApp(entry, (app) => create(app, user, ttlSeconds, scopes))
    return
  }
  if (action === 'revoke') {
    refuse(values, ['user', 'expires', 'scope'], 'revoke')
    const sessionId = parseSession(values.session)
    await withApp(entry, (app) => revoke(app, sessionId))
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
 * Builds the app as `dara start` does, for its secret and session store only:
 * its startup functions do not run, and nothing listens.
 */
async function withApp(entry: string, work: (app: DaraApp) => Promise<void>): Promise<void> {
  const app = createApp(await loadEntry(entry), { ...cliAppOptions(), logger: false })
  try {
    const { store } = app.sessions
    if (!(await store.ready(5000))) {
      throw new DaraError('DARA_ERR_AUTH_STORE_DOWN', store.unavailableReason)
    }
    await work(app)
  } finally {
    await app.close()
  }
}

/**
 * Prints the token alone on stdout, so that `$(dara token create ...)` captures
 * it, and what it is on stderr.
 */
async function create(
  app: DaraApp,
  user: string,
  ttlSeconds: number,
  scopes: readonly string[] | undefined,
): Promise<void> {
  const minted = await app.sessions.mint(
    { identityId: user, identityName: user, groups: [] },
    { ttlSeconds, ...(scopes === undefined ? {} : { scopes }) },
  )
  console.log(minted.token)
  const limited = scopes ? `; scopes: ${scopes.join(', ')}` : ''
  console.error(
    `Token for user "${user}", session ${minted.sessionId}, valid until ${minted.expiresAt.toISOString()}${limited}`,
  )
}

async function revoke(app: DaraApp, sessionId: string): Promise<void> {
  const { store } = app.sessions
  // A memory store lives in the app's own process: a revocation written here
  // would never reach it (and the app's next write would drop it from the file).
  if (store instanceof MemorySessionStore) {
    throw new DaraError('DARA_ERR_TOKEN_REVOKE_LOCAL', store.constructor.name)
  }
  await app.sessions.revoke(sessionId)
  console.error(`Session ${sessionId} revoked: its tokens are refused from now on`)
}
