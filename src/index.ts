/**
 * dara-ts: Dara's app framework in TypeScript, built around custom API
 * endpoints. The twin of Dara's `dara.core`.
 *
 * @module
 */
export { ConfigurationBuilder } from './config/index.ts'
export type { DocsOptions } from './config/index.ts'
export { createApp } from './server/index.ts'
export type { AppOptions, DaraApp } from './server/index.ts'
export { DaraError } from './errors.ts'
export type { DaraErrorCode } from './errors.ts'
