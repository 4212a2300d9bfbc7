// `dara token create` as the README uses it: a token printed for scripts, used
// by curl, another TypeScript service and a Python script with requests.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { dara, run, startDara } from '../helpers/processes.ts'
import { needs } from '../helpers/system.ts'
import { SECRET } from '../helpers/auth.ts'

const ENV = { DARA_JWT_SECRET: SECRET }
const ENTRY = 'examples/api/main.ts'
const PYTHON = '/usr/bin/python3'

async function createToken(...args: string[]): Promise<string> {
  const created = await dara(['token', 'create', ENTRY, ...args], ENV)
  assert.equal(created.code, 0, created.stderr)
  const token = created.stdout.trim()
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/)
  return token
}

void test('token create prints the token alone on stdout and what it is on stderr', async () => {
  const created = await dara(
    [
      'token',
      'create',
      ENTRY,
      '--user',
      'ada',
      '--expires',
      '2h',
      '--scope',
      'items:read,items:write',
    ],
    ENV,
  )
  assert.equal(created.code, 0, created.stderr)
  assert.match(created.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/)
  const claims = JSON.parse(
    Buffer.from(created.stdout.split('.')[1] ?? '', 'base64url').toString(),
  ) as Record<string, unknown>
  assert.equal(claims['sub'], 'ada')
  assert.equal(claims['scope'], 'items:read items:write')
  assert.equal(Number(claims['exp']) - Number(claims['iat']), 7200)
  assert.match(
    created.stderr,
    /^Token for user "ada", session [0-9a-f-]{36}, valid until \d{4}-\d\d-\d\dT[\d:.]+Z; scopes: items:read, items:write\n$/,
  )
})

void test('token create refuses bad usage with one line', async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [['--expires', '30d'], ENV, 'DARA_ERR_CLI_USAGE: --user NAME is required'],
    [
      ['--user', 'a', '--expires', '30x'],
      ENV,
      'DARA_ERR_CLI_USAGE: --expires must be a duration from 1m to 3650d such as 30d, 12h or 90m, got "30x"',
    ],
    [
      ['--user', 'a', '--expires', '10s'],
      ENV,
      'DARA_ERR_CLI_USAGE: --expires must be a duration from 1m to 3650d such as 30d, 12h or 90m, got "10s"',
    ],
    [
      ['--user', 'a', '--scope', 'bad scope!'],
      ENV,
      'DARA_ERR_CLI_USAGE: --scope takes names of letters, digits and _ . : / - (at most 64), got "scope!"',
    ],
    [['--user', 'a', '--port', '1'], ENV, 'DARA_ERR_CLI_USAGE: --port is not an option of "token"'],
    [
      ['--user', 'a'],
      {},
      'DARA_ERR_TOKEN_NO_SECRET: DARA_JWT_SECRET is not set: a token signed with any other secret is refused by the app. Run the command with the same DARA_JWT_SECRET as the app.',
    ],
  ]
  // In parallel: each is a process start, and none depends on another.
  await Promise.all(
    cases.map(async ([args, env, line]) => {
      const result = await dara(['token', 'create', ENTRY, ...args], {
        DARA_JWT_SECRET: '',
        ...env,
      })
      const expected = line.startsWith('DARA_ERR_CLI_USAGE')
        ? `error ${line}. Run \`dara --help\` for usage.\n`
        : `error ${line}\n`
      assert.deepEqual(
        { code: result.code, stdout: result.stdout, stderr: result.stderr },
        { code: 1, stdout: '', stderr: expected },
        args.join(' '),
      )
    }),
  )
})

void describe('the README commands', { skip: needs(PYTHON) || needs('curl') }, () => {
  void test(
    'curl, the TypeScript client and Python with requests call with the token',
    { timeout: 120_000 },
    async (t) => {
      const url = await startDara(t, ENTRY, ENV)
      const token = await createToken('--user', 'ada', '--expires', '30d')
      const env = { DARA_TOKEN: token }

      const curl = await run('curl', [
        '-s',
        '-H',
        `Authorization: Bearer ${token}`,
        `${url}/api/greetings`,
      ])
      assert.equal(curl.stdout, '{"message":"Hello, ada"}')
      const curlPost = await run('curl', [
        '-s',
        '-X',
        'POST',
        '-H',
        `Authorization: Bearer ${token}`,
        '-H',
        'content-type: application/json',
        '-d',
        '{"name":"Lamp"}',
        `${url}/api/items/1`,
      ])
      assert.equal(curlPost.stdout, '{"id":1,"name":"Lamp","owner":"ada"}')

      const ts = await run(
        process.execPath,
        ['--import', 'tsx', 'examples/api/client.ts', url],
        env,
      )
      assert.deepEqual(ts, {
        code: 0,
        stdout: 'Hello, ada\nsaved item 1: Lamp, owned by ada\n404: "No item 404"\n',
        stderr: '',
      })

      const python = await run(PYTHON, ['examples/api/notebook.py', url], env)
      assert.deepEqual(python, {
        code: 0,
        stdout: "{'id': 2, 'name': 'Desk', 'owner': 'ada'}\nHello, ada\n",
        stderr: '',
      })

      // A token limited to reading cannot write.
      const reader = await createToken('--user', 'bob', '--scope', 'items:read')
      const refused = await run(PYTHON, ['examples/api/notebook.py', url], { DARA_TOKEN: reader })
      assert.deepEqual(refused, {
        code: 1,
        stdout: '',
        stderr:
          "403: This token is limited to the scopes items:read, and POST /api/items/2 accepts items:write. Use a token with one of its scopes, or list the scope in the route's `scopes`.\n",
      })
    },
  )
})
