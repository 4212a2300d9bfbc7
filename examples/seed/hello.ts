// Seed: "Defining an endpoint".
import { get } from 'dara-ts/http'

export const custom = get('custom/', () => 'Hello World')

// The same endpoint, async: useful when it awaits I/O.
export const customAsync = get('custom-async/', async () => {
  await new Promise((resolve) => setTimeout(resolve, 1))
  return 'Hello World'
})
