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
import { PYTHON, startServer, type RunningServer, type ServerSpec } from '../../bench/servers.ts'
import { mintToken } from '../../bench/token.ts'
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
    before(async () => {
      const spec = (name: ServerName): ServerSpec => SERVERS[name]
      if (names.some((name) => spec(name).redis === true)) redis = await startRedis()
      const started = await Promise.all(
        names.map((name) =>
          startServer(spec(name), {
            BENCH_JWT_SECRET: SECRET,
            ...(spec(name).redis === true && redis ? { DARA_REDIS_URL: redis.url } : {}),
          }),
        ),
      )
      names.forEach((name, i) => servers.set(name, started[i] as RunningServer))
      minted = `Bearer ${await mintToken(SECRET)}`
    })
    after(async () => {
      await Promise.all([...servers.values()].map((s) => s.stop()))
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

suite(
  'bench servers on Node',
  (Object.keys(SERVERS) as ServerName[]).filter((name) => SERVERS[name].runtime === 'node'),
  needs('redis-server'),
)
suite('bench server on FastAPI', ['fastapi'], fastapiMissing())

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
