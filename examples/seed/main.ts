// The seed's app: every snippet of custom-endpoints.md, mounted together.
// Start it with `npx dara start examples/seed/main.ts`.
import { ConfigurationBuilder } from 'dara-ts'
import { custom, customAsync } from './hello.ts'
import { greetingsHandler } from './greetings.ts'
import { customHandler, publicHandler } from './user-data.ts'
import { upload, UploadDropzone } from './upload.ts'

export const config = new ConfigurationBuilder()

config.addEndpoint(custom)
config.addEndpoint(customAsync)
// Explicit registration; the same route also arrives through UploadDropzone,
// exported below, and is mounted once.
config.addEndpoint(upload)
config.addEndpoint(greetingsHandler)
config.addEndpoint(customHandler)
config.addEndpoint(publicHandler)

// Exported components are found by import discovery: their requiredRoutes mount
// without config.addComponent().
export { UploadDropzone }
