import type { FastifyInstance } from 'fastify'
import type { AppPlan } from './app-plan.ts'
import { warnOnTrustAll } from './trust-proxy.ts'

/**
 * What the start says that may need fixing: the configuration's own warnings,
 * trusting every proxy on an open address, and a development signing secret.
 */
export function warnAtStart(app: FastifyInstance, plan: AppPlan): void {
  for (const warning of plan.state.warnings) app.log.warn(warning)
  if (plan.ui?.built.warning) app.log.warn(plan.ui.built.warning)
  warnOnTrustAll(app, plan.trust)
  if (plan.auth.secretSource === 'generated' || plan.auth.secretSource === 'file') {
    app.log.warn(
      'DARA_JWT_SECRET is not set: tokens are signed with a development secret kept in %s; set DARA_JWT_SECRET in production',
      plan.options.secretFile ?? '.dara/secret',
    )
  }
}
