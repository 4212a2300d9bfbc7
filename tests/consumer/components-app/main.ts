// A consumer's app with a component of its own (static ui), for the consumer
// test: built by `dara build` with the packed dara-ts and the user's Vite.
import { ConfigurationBuilder } from 'dara-ts'
import { ComponentInstance } from 'dara-ts/definitions'
import { get } from 'dara-ts/http'

export class Counter extends ComponentInstance {
  static override requiredRoutes = [get('/start', () => ({ start: 41 }))]
  static override ui = new URL('./counter.tsx', import.meta.url)
}

export const config = new ConfigurationBuilder()
config.setTitle('Counter')
config.addPage('Home', new Counter())
