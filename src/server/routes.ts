import type { FastifyInstance } from 'fastify'
import {
  isUploadRoute,
  UPLOAD_REGISTRY,
  UPLOAD_TIMING,
  type UploadTiming,
} from '../components/upload-registry.ts'
import { registerAllowedMethods } from './allowed-methods.ts'
import type { AppPlan } from './app-plan.ts'
import { CLEARS_COOKIE, createAuthHook, createIdentify } from './auth.ts'
import { docsEnabled, registerDocs } from './docs.ts'
import { createHandler } from './pipeline.ts'
import type { RoutePlan } from './plan.ts'
import { registerFileRoutes } from './file-routes.ts'
import { fastifySchema } from './response-schema.ts'

/** Mounts one planned route: its auth hook (authenticated routes only), answer schemas and handler. */
function mounter(plan: AppPlan): (instance: FastifyInstance, route: RoutePlan) => void {
  const identify = createIdentify(plan.auth.sessions, plan.authOptions)
  const { limits, background } = plan
  return (instance, route) => {
    const { groups, scopes } = route.route.options
    instance.route({
      method: route.route.method,
      url: route.path,
      ...(route.route.authenticated
        ? {
            onRequest: createAuthHook(
              identify,
              { path: route.path, groups, scopes },
              CLEARS_COOKIE.has(route.path),
            ),
          }
        : {}),
      ...fastifySchema(route.response),
      // An upload keeps its own time (UploadGuard): the handler timeout starts once its file is in.
      handler: createHandler(
        route,
        background,
        isUploadRoute(route.route) ? 0 : limits.handlerTimeout,
      ),
    })
  }
}

/**
 * The route table: every planned route but the upload one, the 405 and OPTIONS
 * answers of known paths, and the API docs when they are on.
 */
export function routes(app: FastifyInstance, plan: AppPlan): void {
  const mount = mounter(plan)
  for (const route of plan.routes)
    if (!isUploadRoute(route.route) && route.route.options.files === undefined) mount(app, route)
  registerAllowedMethods(app, plan.routes, (plan.cors?.origins.length ?? 0) > 0)
  const { docs } = plan.state
  if (docsEnabled(docs)) {
    const identify = createIdentify(plan.auth.sessions, plan.authOptions)
    registerDocs(app, plan.routes, docs, (path) => createAuthHook(identify, { path }))
  }
}

/**
 * The dropzones and their limits, on the app itself from the start (the route
 * manifest reads them from an app that has not started).
 */
export function decorateUploads(app: FastifyInstance, plan: AppPlan): void {
  if (plan.routes.some((route) => isUploadRoute(route.route)))
    app.decorate(UPLOAD_REGISTRY, plan.ui?.scan.uploads ?? new Map<string, never>())
}

/**
 * The dropzones' upload route, in a context of its own: multipart parsing is
 * registered for it alone, so other routes keep answering 415 to a multipart body.
 */
export async function uploads(app: FastifyInstance, plan: AppPlan): Promise<void> {
  const uploadPlan = plan.routes.find((route) => isUploadRoute(route.route))
  if (!uploadPlan) return
  app.decorate(UPLOAD_TIMING, uploadTiming(plan))
  await app.register(async (instance) => {
    // Multipart is the one body the route parses; any other (JSON and text
    // included) reaches it unread, whatever its size or syntax, and is answered
    // with DARA_ERR_UPLOAD_NOT_MULTIPART (how to send a file) and read away.
    instance.removeAllContentTypeParsers()
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null))
    // Loaded only for an app with the upload route.
    await instance.register(import('@fastify/multipart'))
    mounter(plan)(instance, uploadPlan)
  })
}

/** The time an upload keeps for itself: a minimum rate, a whole-upload timeout, then the handler's. */
function uploadTiming(plan: AppPlan): UploadTiming {
  const { limits, ownTime } = plan
  return {
    minRate: limits.uploadMinRate,
    rateWindow: limits.uploadRateWindow,
    timeout: limits.uploadTimeout,
    handlerTimeout: limits.handlerTimeout,
    ownTime(socket) {
      ownTime.add(socket)
      return () => ownTime.delete(socket)
    },
  }
}

/** The routes with `files`, each parsing multipart for itself as the upload route does. */
export function fileRoutes(app: FastifyInstance, plan: AppPlan): void {
  registerFileRoutes(app, plan.fileRoutes, uploadTiming(plan), plan.limits.bodyLimit, mounter(plan))
}
