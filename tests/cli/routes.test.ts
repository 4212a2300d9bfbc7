// `dara routes` as a user runs it: the table for people, the JSON manifest for CI.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['bin/dara.js', 'routes', ...args], { cwd: ROOT })

void test('dara routes prints every route with its auth, groups, scopes, origin, configurations, dependencies and limits', async () => {
  const { stdout } = await run('tests/fixtures/manifest-app.ts')
  assert.equal(
    stdout,
    [
      'METHOD  PATH                      AUTH           GROUPS   SCOPES     ORIGIN                  CONFIGURATIONS      DEPENDENCIES     LIMITS',
      'POST    /api/auth/admin/revoke    PUBLIC         -        -          framework               -                   -                -',
      'POST    /api/auth/admin/token     PUBLIC         -        -          framework               -                   -                -',
      'POST    /api/auth/refresh-token   PUBLIC         -        -          framework               -                   -                -',
      'POST    /api/auth/revoke-session  authenticated  -        -          framework               -                   -                -',
      'POST    /api/auth/session         PUBLIC         -        -          framework               -                   -                login 5 failures per user and address, 50 per user, 20 per address; delays 30-900 s',
      'GET     /api/auth/user            authenticated  -        -          framework               -                   -                -',
      'POST    /api/auth/verify-session  authenticated  -        -          framework               -                   -                -',
      'POST    /api/core/data/upload     authenticated  -        -          explicit                -                   -                -',
      'GET     /api/core/health          PUBLIC         -        -          framework               -                   -                -',
      'GET     /api/core/ready           PUBLIC         -        -          framework               -                   -                -',
      'GET     /api/docs                 PUBLIC         -        -          framework               -                   -                -',
      'GET     /api/docs/:asset          PUBLIC         -        -          framework               -                   -                -',
      'GET     /api/docs/init.js         PUBLIC         -        -          framework               -                   -                -',
      'GET     /api/export               authenticated  -        -          component ExportButton  -                   -                -',
      'GET     /api/health               PUBLIC         -        -          explicit                -                   -                -',
      'GET     /api/items                authenticated  -        inventory  explicit                StoreConfiguration  database         -',
      'POST    /api/items                authenticated  editors  -          explicit                StoreConfiguration  audit, database  -',
      'GET     /api/openapi.json         PUBLIC         -        -          framework               -                   -                -',
      '',
    ].join('\n'),
  )
})

void test('dara routes --json writes the manifest that checkRouteManifest() compares', async () => {
  const { stdout } = await run('tests/fixtures/manifest-app.ts', '--json')
  const committed = new URL('../fixtures/manifest-app.routes.json', import.meta.url)
  assert.equal(stdout, readFileSync(committed, 'utf8'))
})

void test('dara routes refuses the options of start, in one line', async () => {
  await assert.rejects(run('tests/fixtures/manifest-app.ts', '--reload'), {
    stderr:
      'error DARA_ERR_CLI_USAGE: --reload is not an option of "routes". Run `dara --help` for usage.\n',
  })
})
