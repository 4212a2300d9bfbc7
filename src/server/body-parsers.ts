import type { FastifyInstance } from 'fastify'
import type { AppPlan } from './app-plan.ts'
import { registerFormBody } from './form-body.ts'
import { guardJsonDepth } from './json-body.ts'

/** The bodies every route reads: JSON, refused past its nesting limit, and URL-encoded forms. */
export function bodyParsers(app: FastifyInstance, plan: AppPlan): void {
  guardJsonDepth(app, plan.limits.maxJsonDepth)
  registerFormBody(app)
}
