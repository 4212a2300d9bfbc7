// Checked by `npm run typecheck`: what testApp's `override` accepts.
import { ConfigurationBuilder } from 'dara-ts'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { dependency } from 'dara-ts/http'
import { testApp, type Override } from 'dara-ts/testing'
import { expectTypeOf } from 'expect-type'

class Mail extends EndpointConfiguration<Mail> {
  declare sender: string
}
const db = dependency(() => ({ name: 'real' }))
const config = new ConfigurationBuilder()

expectTypeOf<[typeof db, () => { name: string }]>().toExtend<Override>()
expectTypeOf<[typeof Mail, Mail]>().toExtend<Override>()
void testApp(config, { override: [[db, async () => ({ name: 'fake' })]] })
// @ts-expect-error an entry is a pair, not a lone dependency
void testApp(config, { override: [db] })
// @ts-expect-error a dependency is replaced by a function or a dependency, not a value
void testApp(config, { override: [[db, { name: 'fake' }]] })
