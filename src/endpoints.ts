/**
 * Endpoints that dara-ts provides for components. The twin of Dara's
 * `dara.core.endpoints`.
 *
 * @module
 */
export { upload } from './components/upload-route.ts'
