// Shared setup for the http and config tests: an app built from a
// ConfigurationBuilder that always closes when its test ends, optionally with its
// log captured, and calls that carry a session token as a user's client would.
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { createApp, type ConfigurationBuilder, type DaraApp } from 'dara-ts'

/** The signing secret of the apps under test: exactly the 32-byte minimum. */
export const SECRET = 'x'.repeat(32)

/** One line of the app's log, as pino writes it. */
export interface LogLine {
  readonly level: number
  readonly msg: string
  readonly err?: { readonly type?: string; readonly message?: string; readonly stack?: string }
  readonly [key: string]: unknown
}

/** pino's numeric levels. */
export const LEVEL = { info: 30, warn: 40, error: 50 } as const

/** Builds an app with logging off and closes it when the test ends. */
export function buildApp(t: TestContext, config: ConfigurationBuilder): DaraApp {
  const app = createApp(config, { logger: false, secret: SECRET })
  t.after(() => app.close())
  return app
}

/**
 * Builds an app whose log lines land in `logs` (parsed), and closes it when the
 * test ends. `raw` keeps each line as written, to search it as text.
 */
export function buildLoggedApp(
  t: TestContext,
  config: ConfigurationBuilder,
  level = 'info',
): { app: DaraApp; logs: LogLine[]; raw: string[] } {
  const logs: LogLine[] = []
  const raw: string[] = []
  const stream = {
    write(line: string): void {
      raw.push(line)
      logs.push(JSON.parse(line) as LogLine)
    },
  }
  const app = createApp(config, { logger: { level, stream }, secret: SECRET })
  t.after(() => app.close())
  return { app, logs, raw }
}

const tokens = new WeakMap<DaraApp, Promise<string>>()

/** A session token of the app, from `POST /api/auth/session`; one per app. */
export function tokenFor(app: DaraApp): Promise<string> {
  let token = tokens.get(app)
  if (!token) {
    token = app.inject({ method: 'POST', url: '/api/auth/session' }).then((res) => {
      assert.equal(res.statusCode, 200, res.body)
      const body: unknown = res.json()
      assert.ok(
        typeof body === 'object' && body !== null && 'token' in body,
        `expected { token }, got ${res.body}`,
      )
      assert.equal(typeof body.token, 'string')
      return String(body.token)
    })
    tokens.set(app, token)
  }
  return token
}

/** Injects a request with `Authorization: Bearer <token>`, as a logged-in client sends it. */
export async function call(app: DaraApp, options: InjectOptions): Promise<LightMyRequestResponse> {
  const token = await tokenFor(app)
  return app.inject({
    ...options,
    headers: { ...options.headers, authorization: `Bearer ${token}` },
  })
}

/** Shorthand for an authenticated GET. */
export function callGet(app: DaraApp, url: string): Promise<LightMyRequestResponse> {
  return call(app, { method: 'GET', url })
}

/** Lets the work queued after a response (cleanups on the response's close) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
