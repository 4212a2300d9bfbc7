/**
 * Endpoints: the method helpers, their options and context, dependencies and
 * HttpError. The twin of Dara's `dara.core.http`.
 *
 * @module
 */
export { get, post, put, patch, del, del as delete } from './methods.ts'
export { ApiRoute } from './api-route.ts'
export type {
  AnyApiRoute,
  DependencyLike,
  FileField,
  Handler,
  HttpMethod,
  RouteOptions,
} from './api-route.ts'
export { dependency } from './dependency.ts'
export type { Dependency, DependencyContext } from './dependency.ts'
export type {
  HandlerContext,
  InjectedValues,
  Injectable,
  RawQuery,
  RequestContext,
  inferFile,
  inferFiles,
  inferInjected,
} from './context.ts'
export type { SavedFile, UploadFile } from '../components/upload-file.ts'
export type { PathParams } from './path.ts'
export { HttpError } from './http-error.ts'
export { sse, SseStream } from './sse.ts'
export type { SseEvent, SseOptions } from './sse.ts'
export { ws } from './ws.ts'
export type { WebSocket, WsContext, WsHandler, WsOptions, WsRoute } from './ws.ts'
