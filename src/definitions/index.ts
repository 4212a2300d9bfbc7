/**
 * What an app is made of: endpoint configurations, components and routes.
 * The twin of Dara's `dara.core.definitions`.
 *
 * @module
 */
export { EndpointConfiguration } from './endpoint-configuration.ts'
export type { ConfigurationFields } from './endpoint-configuration.ts'
export { ComponentInstance } from './component-instance.ts'
export { ApiRoute } from '../http/api-route.ts'
export type { AnyApiRoute } from '../http/api-route.ts'
