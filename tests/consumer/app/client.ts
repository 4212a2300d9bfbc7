// The typed client, bundled for browsers by esbuild in the consumer test, then
// run against the started app. Types from the server, code from dara-ts/client only.
import { createClient, ResponseError } from 'dara-ts/client'
import type { routes } from './routes.js'

export async function greet(baseUrl: string): Promise<string> {
  const client = createClient<typeof routes>(baseUrl)
  const { message } = await client.get('/public')
  try {
    await client.post('/echo/{id}', { params: { id: 1 }, body: { name: 'x' } })
  } catch (error) {
    // Without a token, the authenticated route answers 401.
    if (!(error instanceof ResponseError) || error.status !== 401) throw error
    return message
  }
  throw new Error('POST /api/echo/1 answered without a token')
}
