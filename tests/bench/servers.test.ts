// The servers of `npm run bench` answer what the runner expects: each case's
// JSON body with status 200, and 401 without its token. No timing here: the
// figures are `npm run bench`'s.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { CASES, SERVERS, type BenchCase, type ServerName } from '../../bench/cases.ts'
import { checkCase, daraToken } from '../../bench/check.ts'
import { call } from '../../bench/http.ts'
import type { LoadRequest } from '../../bench/load.ts'
import { ORDER_BODY } from '../../bench/payload.ts'
import { startRedis, type RunningRedis } from '../../bench/redis.ts'
import {
  PYTHON,
  START_TIMEOUT_MS,
  startServer,
  startServers,
  type RunningServer,
  type ServerSpec,
} from '../../bench/servers.ts'
import { mintToken } from '../../bench/token.ts'
import { run } from '../helpers/run.ts'
import { needs } from '../helpers/system.ts'

const SECRET = 'bench-test-secret-of-at-least-32-bytes'

/**
 * The FastAPI baseline needs Debian's python3-fastapi and friends, which only
 * `setup-system.sh --bench` installs: CI does not, so this skips there too.
 */
function fastapiMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, uvloop, httptools, jwt'])
  return probe.status === 0
    ? false
    : 'the FastAPI baseline needs `bash scripts/setup-system.sh --bench`'
}

function suite(title: string, names: readonly ServerName[], skip: string | false): void {
  void describe(title, { skip }, () => {
    const servers = new Map<ServerName, RunningServer>()
    let minted = ''
    let redis: RunningRedis | undefined
    let starting: Promise<RunningServer[]> | undefined
    const spec = (name: ServerName): ServerSpec => SERVERS[name]
    before(
      async () => {
        if (names.some((name) => spec(name).redis === true)) redis = await startRedis()
        starting = startServers(
          names.map((name) => ({
            spec: spec(name),
            // The code under test, not a build that may be older.
            source: true,
            env: {
              BENCH_JWT_SECRET: SECRET,
              ...(spec(name).redis === true && redis ? { DARA_REDIS_URL: redis.url } : {}),
            },
          })),
        )
        const started = await starting
        names.forEach((name, i) => servers.set(name, started[i] as RunningServer))
        minted = `Bearer ${await mintToken(SECRET)}`
      },
      // Longer than startServers can take: each start is cut at START_TIMEOUT_MS.
      { timeout: names.length * START_TIMEOUT_MS },
    )
    after(async () => {
      // Even when the start timed out: what it started must not outlive the run.
      const started = (await starting?.catch(() => undefined)) ?? []
      await Promise.all(started.map((s) => s.stop()))
      await redis?.stop()
    })

    const port = (benchCase: BenchCase): number => {
      const server = servers.get(benchCase.server)
      assert.ok(server, `${benchCase.server} is running`)
      return server.port
    }
    const requestOf = async (benchCase: BenchCase): Promise<LoadRequest> => {
      const authorization =
        benchCase.credential === 'dara'
          ? `Bearer ${await daraToken(port(benchCase))}`
          : benchCase.credential === 'minted'
            ? minted
            : undefined
      return {
        url: `http://127.0.0.1:${port(benchCase)}${benchCase.path}`,
        method: benchCase.method,
        ...(benchCase.body === undefined ? {} : { body: benchCase.body }),
        ...(authorization === undefined ? {} : { authorization }),
      }
    }

    for (const benchCase of CASES.filter((c) => names.includes(c.server))) {
      void test(`${benchCase.label}: 200 with its body${benchCase.credential ? ', 401 without its token' : ''}`, async () => {
        const request = await requestOf(benchCase)
        assert.equal(await checkCase(benchCase, port(benchCase), request), undefined)
      })
    }
  })
}

const NODE_SERVERS = (Object.keys(SERVERS) as ServerName[]).filter(
  (name) => SERVERS[name].runtime === 'node',
)
function usesRedis(name: ServerName): boolean {
  const spec: ServerSpec = SERVERS[name]
  return spec.redis === true
}
suite(
  'bench servers on Node',
  NODE_SERVERS.filter((name) => !usesRedis(name)),
  false,
)
suite('bench servers on Node with Redis', NODE_SERVERS.filter(usesRedis), needs('redis-server'))
suite('bench server on FastAPI', ['fastapi'], fastapiMissing())

void test(
  'when one server fails to start, the ones that started are stopped and the run ends',
  { timeout: 90_000 },
  async () => {
    // run() kills it after 60 s: without the stop, the fixture would never end.
    const result = await run(
      process.execPath,
      ['--import', 'tsx', 'tests/fixtures/bench-start-failure.ts'],
      {},
      60_000,
    )
    assert.deepEqual(result, {
      code: 0,
      stdout: 'bench/../tests/fixtures/exits-at-start.ts exited before listening (1)\n',
      stderr: '',
    })
  },
)

void test('the bench body is 1 KiB of JSON, and a wrong one is refused by the zod route only', async (t) => {
  assert.equal(Buffer.byteLength(ORDER_BODY), 1024)
  const server = await startServer(SERVERS['dara-post'], { BENCH_JWT_SECRET: SECRET })
  t.after(() => server.stop())
  const bad = JSON.stringify({ ...(JSON.parse(ORDER_BODY) as object), items: [] })
  const loose = await call(server.port, '/api/orders', { method: 'POST', body: bad })
  assert.deepEqual([loose.status, loose.body], [200, '{"id":"ord_000001","items":0}'])
  const checked = await call(server.port, '/api/orders-checked', { method: 'POST', body: bad })
  assert.equal(checked.status, 422)
  assert.deepEqual(JSON.parse(checked.body), {
    detail: [
      {
        in: 'body',
        path: ['items'],
        code: 'too_small',
        message: 'Too small: expected array to have >=1 items',
      },
    ],
  })
})
