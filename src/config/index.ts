export { ConfigurationBuilder } from './configuration-builder.ts'
