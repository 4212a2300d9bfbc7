// Another TypeScript service calling the example app with the typed client.
// Run: DARA_TOKEN=<token> npx tsx examples/api/client.ts [http://127.0.0.1:8000]
import { createClient, ResponseError } from 'dara-ts/client'
import type { routes } from './routes.ts'

const baseUrl = process.argv[2] ?? 'http://127.0.0.1:8000'
const client = createClient<typeof routes>(baseUrl, { token: process.env['DARA_TOKEN'] })

try {
  const { message } = await client.get('/greetings') // typed: { message: string }
  const item = await client.post('/items/{id}', { params: { id: 1 }, body: { name: 'Lamp' } })
  console.log(message)
  console.log(`saved item ${item.id}: ${item.name}, owned by ${item.owner}`)
  await client.get('/items/{id}', { params: { id: 404 } })
} catch (error) {
  if (!(error instanceof ResponseError)) throw error
  console.log(`${error.status}: ${JSON.stringify(error.detail)}`)
  if (error.status !== 404) process.exitCode = 1
}
