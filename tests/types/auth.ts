// Checked by `npm run typecheck`: the auth API's types, positive and negative.
import { expectTypeOf } from 'expect-type'
import { ConfigurationBuilder, type DaraApp } from 'dara-ts'
import {
  AuthConfig,
  BasicAuthConfig,
  MemorySessionStore,
  MultiBasicAuthConfig,
  type RedisSessionStore,
  type SessionStore,
  type UserData,
} from 'dara-ts/auth'
import { get } from 'dara-ts/http'

get('/admin', { groups: ['admins'] }, () => 'ok')
// @ts-expect-error groups is a list of names, not one name
get('/admin', { groups: 'admins' }, () => 'ok')

new BasicAuthConfig({ username: 'a', password: 'b', tokenTtlSeconds: 60 })
// @ts-expect-error BasicAuthConfig takes one object, not two strings (Dara's positional form)
new BasicAuthConfig('a', 'b')
new MultiBasicAuthConfig({ users: { a: 'x', b: { password: 'y', groups: ['g'], email: 'b@x' } } })
// @ts-expect-error a user's groups are strings
new MultiBasicAuthConfig({ users: { a: { password: 'y', groups: [1] } } })

class Directory extends AuthConfig {
  authenticate(): UserData {
    return { identityId: 'id', identityName: 'name', groups: [] }
  }
}
class Broken extends AuthConfig {
  // @ts-expect-error authenticate must answer a user with groups
  authenticate() {
    return { identityId: 'id', identityName: 'name' }
  }
}
void Broken

const config = new ConfigurationBuilder()
config.addAuth(new Directory())
expectTypeOf(config.setSessionStore(new MemorySessionStore())).toEqualTypeOf<MemorySessionStore>()
expectTypeOf<RedisSessionStore>().toMatchTypeOf<SessionStore>()

expectTypeOf<Awaited<ReturnType<DaraApp['sessions']['mint']>>>().toEqualTypeOf<{
  token: string
  sessionId: string
  expiresAt: Date
}>()
