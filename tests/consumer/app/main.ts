// The consumer app: `dara start main.ts` in a fresh project, CommonJS or ESM.
import { ConfigurationBuilder } from 'dara-ts'
import { UploadDropzone } from 'dara-ts/components'
import { upload } from 'dara-ts/endpoints'
import { echo, hello } from './routes.js'

export const config = new ConfigurationBuilder()
config.addEndpoint(hello)
config.addEndpoint(echo)
config.addEndpoint(upload)

// Found by import discovery: its required route is the upload one, mounted once.
export { UploadDropzone }
