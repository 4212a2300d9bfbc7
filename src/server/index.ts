export { createApp } from './create-app.ts'
export type { AppOptions, DaraApp } from './create-app.ts'
