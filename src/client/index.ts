/**
 * A typed client for a dara-ts app's endpoints, for other services, scripts
 * and browsers: `fetch` only, and no server code.
 *
 * @module
 */
export { createClient } from './create-client.ts'
export type { Client, ClientOptions } from './create-client.ts'
export type { UiProps } from './ui-props.ts'
export { ResponseError } from './response-error.ts'
export type { FieldIssue } from './response-error.ts'
export { HttpError } from '../http/http-error.ts'
export type {
  CallOptions,
  ClientPath,
  RouteCollection,
  RouteIndex,
  UrlValue,
  inferRouteInput,
  inferRouteOutput,
  inferRoutes,
} from './types.ts'
