/**
 * Testing an app: call its routes in process as a given user with given
 * configurations, mint tokens, and keep its route table under review.
 *
 * @module
 */
export { testApp, TestApp } from './test-app.ts'
export type { TestAppOptions, TestRequest, TestResponse } from './test-app.ts'
export type { Override } from './overrides.ts'
export { mintToken } from './tokens.ts'
export type { MintOptions, TestUser } from './tokens.ts'
export { checkRouteManifest, diffManifest, formatManifest } from './route-manifest.ts'
export type { RouteManifestOptions } from './route-manifest.ts'
export { routeManifest } from '../server/manifest.ts'
export type { ManifestRoute } from '../server/manifest.ts'
