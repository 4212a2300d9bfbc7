// Seed: "Implicit registration". A component declares the endpoint it relies on;
// registering the component (or exporting it from the entry) mounts the endpoint.
import { ComponentInstance } from 'dara-ts/definitions'
import { post } from 'dara-ts/http'

export const upload = post('/upload', ({ body }) => ({
  received: typeof body === 'string' ? body.length : JSON.stringify(body ?? null).length,
}))

export class UploadDropzone extends ComponentInstance {
  static override requiredRoutes = [upload]
}
