// The SSO tests' provider: examples/oidc/provider.ts (oidc-provider on
// 127.0.0.1, a free port unless told), stopped when the test ends.
import type { TestContext } from 'node:test'
import { startLocalProvider, type LocalProvider } from '../../examples/oidc/provider.ts'

export { CLIENT_ID, CLIENT_SECRET, USERS } from '../../examples/oidc/provider.ts'

/** Starts a provider for the test; `port` to come back where a stopped one was. */
export async function startProvider(
  t: TestContext,
  options: { readonly port?: number } = {},
): Promise<LocalProvider> {
  const provider = await startLocalProvider(options)
  t.after(() => provider.stop().catch(() => undefined))
  return provider
}
