// testApp(config, { override }): a dependency or a configuration replaced in
// every route that names it, as FastAPI's dependency_overrides.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { EndpointConfiguration } from 'dara-ts/definitions'
import { dependency, get, HttpError } from 'dara-ts/http'
import { testApp } from 'dara-ts/testing'

class MailConfiguration extends EndpointConfiguration<MailConfiguration> {
  declare sender: string
  static default() {
    return new MailConfiguration({ sender: 'real@example.com' })
  }
}

const database = dependency(function database() {
  return { name: 'production' }
})
const repository = dependency({ inject: { database } }, function repository({ database }) {
  return { describe: () => `repo on ${database.name}` }
})
function onlyOnWeekdays(): void {
  throw new HttpError(403, 'Closed today')
}

function appConfig(): ConfigurationBuilder {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/status',
      {
        authenticated: false,
        dependencies: [onlyOnWeekdays],
        inject: { repository, database, mail: MailConfiguration },
      },
      ({ repository, database, mail }) => ({
        repo: repository.describe(),
        db: database.name,
        sender: mail.sender,
      }),
    ),
  )
  return config
}

void test('dependencies and configurations are replaced wherever routes name them', async (t) => {
  const config = appConfig()
  const api = testApp(config, {
    override: [
      [database, () => ({ name: 'in-memory' })],
      [onlyOnWeekdays, dependency(() => undefined)],
      [MailConfiguration, new MailConfiguration({ sender: 'test@example.com' })],
    ],
  })
  t.after(() => api.close())
  const res = await api.get('/status')
  assert.equal(res.status, 200)
  assert.deepEqual(res.body, {
    repo: 'repo on in-memory',
    db: 'in-memory',
    sender: 'test@example.com',
  })

  // The configuration itself is left as it was.
  const real = testApp(config)
  t.after(() => real.close())
  const refused = await real.get('/status')
  assert.equal(refused.status, 403)
  assert.deepEqual(refused.body, { detail: 'Closed today' })
})

void test('an async replacement is awaited; withConfig still works on top', async (t) => {
  const api = testApp(appConfig(), {
    override: [
      [onlyOnWeekdays, () => Promise.resolve()],
      [database, () => Promise.resolve({ name: 'async' })],
    ],
  })
  t.after(() => api.close())
  const res = await api
    .withConfig(new MailConfiguration({ sender: 'x@example.com' }))
    .get('/status')
  assert.equal(res.status, 200)
  assert.deepEqual(res.body, { repo: 'repo on async', db: 'async', sender: 'x@example.com' })
})

void test('a wrong override entry throws at once and says what is expected', () => {
  assert.throws(() => testApp(appConfig(), { override: [[MailConfiguration, { sender: 'x' }]] }), {
    name: 'TypeError',
    message:
      'testApp override: MailConfiguration must be replaced by an instance of MailConfiguration',
  })
  assert.throws(
    // Sound for the test: a JavaScript caller may pass anything.
    () => testApp(appConfig(), { override: [[database, 'nothing' as unknown as () => unknown]] }),
    {
      name: 'TypeError',
      message:
        'testApp override: each entry is [ConfigurationClass, instance] or [dependency, replacement dependency or function]',
    },
  )
})
