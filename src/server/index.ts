export { createApp } from './create-app.ts'
export type { AppOptions, DaraApp } from './create-app.ts'
export type { ServerLimits } from './limits.ts'
export type { CorsOptions, SecurityHeaderOptions } from './security.ts'
