export { ConfigurationBuilder } from './configuration-builder.ts'
export type { DocsOptions } from './state.ts'
