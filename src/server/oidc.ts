import type { AppPlan } from './app-plan.ts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from '../auth/auth-config.ts'
import { OIDCAuthConfig } from '../auth/oidc-auth-config.ts'
import { createIdTokenBearer } from '../auth/oidc-bearer.ts'
import { createProviderLink } from '../auth/oidc-client.ts'
import { createSeal } from '../auth/oidc-seal.ts'
import type { Sessions } from '../auth/sessions.ts'
import type { AuthHookOptions } from './auth.ts'
import { checkLoginOrigin } from './csrf.ts'
import { callback, login, type OidcRoutes } from './oidc-login.ts'
import { logout, refresh } from './oidc-session.ts'

/**
 * The OpenID Connect routes of an app whose auth is an {@link OIDCAuthConfig};
 * nothing (and no import of openid-client) for any other auth config.
 */
export function registerOidc(
  app: FastifyInstance,
  auth: AuthConfig | undefined,
  sessions: Sessions,
  origins: AuthHookOptions,
): void {
  if (!(auth instanceof OIDCAuthConfig)) return
  const link = createProviderLink(auth, sessions.clock)
  const routes: OidcRoutes = {
    auth,
    sessions,
    link,
    seal: createSeal(sessions.keyed, sessions.clock),
    origins,
  }
  if (auth.acceptIdTokens) {
    sessions.acceptForeignBearer(createIdTokenBearer(auth, link, sessions.clock))
  }
  app.addHook('onReady', async () => {
    try {
      await link.get()
    } catch (error) {
      // Started anyway: logins answer 503 and discovery is tried again at each one.
      app.log.warn(
        { err: error },
        'Identity provider %s unreachable at start: logins answer 503 until it is back',
        auth.issuer,
      )
    }
  })
  void app.register(
    fp((instance, _options, done) => {
      instance.get('/api/auth/oidc/login', (request, reply) => {
        checkLoginOrigin(request, origins.loginOrigins)
        return login(routes, request, reply)
      })
      instance.get(auth.redirectPath, (request, reply) => callback(routes, request, reply))
      instance.post('/api/auth/oidc/refresh', (request, reply) => refresh(routes, request, reply))
      instance.post('/api/auth/oidc/logout', (request, reply) => logout(routes, request, reply))
      done()
    }),
  )
}

/** Single sign-on's routes and checks, when the app's auth config is an OIDCAuthConfig. */
export function singleSignOn(app: FastifyInstance, plan: AppPlan): void {
  registerOidc(app, plan.state.auth, plan.auth.sessions, plan.authOptions)
}
