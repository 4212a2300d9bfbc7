// `dara token create` and `revoke` as the README uses them: a token printed for
// scripts, used by curl, another TypeScript service and a Python script with
// requests, then revoked through the session store and refused.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SECRET } from '../helpers/auth.ts'
import { startDara, startRedis } from '../helpers/processes.ts'
import { dara, run } from '../helpers/run.ts'
import { needs, needsPython, PYTHON } from '../helpers/system.ts'

const ENV = { DARA_JWT_SECRET: SECRET }
const ENTRY = 'examples/api/main.ts'
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/
/** examples/api/notebook.py calls the app with requests, from Debian's python3-requests. */
const needsRequests = needsPython('requests', 'python3-requests')

async function createToken(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ token: string; session: string }> {
  const created = await dara(['token', 'create', ENTRY, ...args], env)
  assert.equal(created.code, 0, created.stderr)
  const token = created.stdout.trim()
  assert.match(token, JWT)
  const session = /session ([0-9a-f-]{36})/.exec(created.stderr)?.[1]
  assert.ok(session, created.stderr)
  return { token, session }
}

void test('token create prints the token alone on stdout and what it is on stderr', async (t) => {
  const { url } = await startDara(t, ENTRY, ENV)
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
      '--url',
      url,
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

void test('dara token refuses bad usage with one line', async () => {
  const usage = (text: string) =>
    `error DARA_ERR_CLI_USAGE: ${text}. Run \`dara --help\` for usage.\n`
  const session = '0b5e7c1e-3f43-4f7c-9f0e-6d1f0a3c2b1a'
  const cases: [string[], Record<string, string>, string][] = [
    [['create', '--expires', '30d'], ENV, usage('--user NAME is required')],
    [
      ['create', '--user', 'a', '--expires', '30x'],
      ENV,
      usage('--expires must be a duration from 1m to 366d such as 30d, 12h or 90m, got "30x"'),
    ],
    [
      ['create', '--user', 'a', '--expires', '367d'],
      ENV,
      usage('--expires must be a duration from 1m to 366d such as 30d, 12h or 90m, got "367d"'),
    ],
    [
      ['create', '--user', 'a', '--scope', 'bad scope!'],
      ENV,
      usage('--scope takes names of letters, digits and _ . : / - (at most 64), got "scope!"'),
    ],
    [['create', '--user', 'a', '--port', '1'], ENV, usage('--port is not an option of "token"')],
    [
      ['create', '--user', 'a', '--session', session],
      ENV,
      usage('--session is not an option of "token create"'),
    ],
    [['revoke', '--expires', '1h'], ENV, usage('--expires is not an option of "token revoke"')],
    [
      ['revoke', '--user', 'a', '--session', session],
      ENV,
      usage('Give --session ID or --user NAME, not both'),
    ],
    [['revoke'], ENV, usage('--session ID is required')],
    [
      ['revoke', '--session', session, '--url', 'ftp://x'],
      ENV,
      usage('--url takes the app\'s address, such as http://127.0.0.1:8000, got "ftp://x"'),
    ],
    [
      ['revoke', '--session', 'abc'],
      ENV,
      usage('--session takes the session id that "token create" printed, got "abc"'),
    ],
    [['list'], ENV, usage('Unknown token action "list"; use "token create" or "token revoke"')],
    [
      ['create', '--user', 'a'],
      { NODE_ENV: 'production', DARA_JWT_SECRET: '' },
      `error DARA_ERR_AUTH_SECRET_MISSING: DARA_JWT_SECRET is not set and NODE_ENV is "production": every process of the app must sign with one secret you choose. Set DARA_JWT_SECRET to 32 or more random bytes, e.g. from: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"\n`,
    ],
  ]
  // In parallel: each is a process start, and none depends on another.
  await Promise.all(
    cases.map(async ([args, env, stderr]) => {
      const [action = '', ...rest] = args
      const result = await dara(['token', action, ENTRY, ...rest], env)
      assert.deepEqual(
        { code: result.code, stdout: result.stdout, stderr: result.stderr },
        { code: 1, stdout: '', stderr },
        args.join(' '),
      )
    }),
  )
})

void describe('the README commands', { skip: needsRequests || needs('curl') }, () => {
  void test(
    'curl, the TypeScript client and Python call with the token; a revoked token is refused',
    { timeout: 120_000 },
    async (t) => {
      const { url } = await startDara(t, ENTRY, ENV)
      // The app keeps its sessions in its own memory: the command asks it.
      const cli = { ...ENV, DARA_URL: url }
      const { token } = await createToken(cli, '--user', 'ada', '--expires', '30d')
      const env = { DARA_TOKEN: token }
      const bearer = `Authorization: Bearer ${token}`

      const curl = await run('curl', ['-s', '-H', bearer, `${url}/api/greetings`])
      assert.equal(curl.stdout, '{"message":"Hello, ada"}')
      const curlPost = await run('curl', [
        '-s',
        '-X',
        'POST',
        '-H',
        bearer,
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
      const reader = await createToken(cli, '--user', 'bob', '--scope', 'items:read')
      const refused = await run(PYTHON, ['examples/api/notebook.py', url], {
        DARA_TOKEN: reader.token,
      })
      assert.deepEqual(refused, {
        code: 1,
        stdout: '',
        stderr:
          "403: This token is limited to the scopes items:read, and POST /api/items/:id accepts items:write. Use a token with one of its scopes, or list the scope in the route's `scopes`.\n",
      })

      // The token revokes itself; the script is then refused.
      const revoke = await run('curl', [
        '-s',
        '-X',
        'POST',
        '-H',
        bearer,
        `${url}/api/auth/revoke-session`,
      ])
      assert.equal(revoke.stdout, '{"success":true}')
      const revoked = await run(PYTHON, ['examples/api/notebook.py', url], env)
      assert.deepEqual(revoked, {
        code: 1,
        stdout: '',
        stderr:
          '401: Session revoked: it was logged out; log in again with POST /api/auth/session\n',
      })
    },
  )
})

void describe(
  'dara token revoke through a shared store',
  { skip: needsRequests || needs('redis-server') },
  () => {
    void test(
      'a script token revoked from the command line is refused at once',
      { timeout: 120_000 },
      async (t) => {
        const redis = await startRedis(t)
        const env = { ...ENV, DARA_REDIS_URL: redis.url }
        const { url } = await startDara(t, ENTRY, env)
        const { token, session } = await createToken(env, '--user', 'ada', '--expires', '1h')

        const before = await run(PYTHON, ['examples/api/notebook.py', url], { DARA_TOKEN: token })
        assert.equal(before.code, 0, before.stderr)

        const revoked = await dara(['token', 'revoke', ENTRY, '--session', session], env)
        assert.deepEqual(revoked, {
          code: 0,
          stdout: '',
          stderr: `Session ${session} revoked: its tokens are refused from now on\n`,
        })
        const after = await run(PYTHON, ['examples/api/notebook.py', url], { DARA_TOKEN: token })
        assert.deepEqual(after, {
          code: 1,
          stdout: '',
          stderr:
            '401: Session revoked: it was logged out; log in again with POST /api/auth/session\n',
        })
      },
    )
  },
)
