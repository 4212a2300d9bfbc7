// `dara start --workers N` as a user runs it: real processes under node:cluster,
// a real redis-server for the sessions they share. Bad counts and mixes are one
// line; an app that cannot start is one error, printed once; a worker that dies
// is replaced (with a log line saying why, waiting longer each time it dies
// young); SIGTERM or Ctrl+C lets every worker finish its requests; Redis away at start
// leaves the workers up, answering 503 until it comes.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SECRET, bearer, forgeToken } from '../helpers/auth.ts'
import { exitWithin, spawnDara, startDara } from '../helpers/dara-process.ts'
import { ROOT, call, field, freePort, startRedis, type Answer } from '../helpers/processes.ts'
import { have, needs } from '../helpers/system.ts'

const APP = 'tests/fixtures/cluster-app.ts'
const CORES = availableParallelism()
const USAGE = '. Run `dara --help` for usage.'

interface LogLine {
  readonly msg: string
  readonly level: number
  readonly [key: string]: unknown
}

/** The JSON log lines a process printed (its other lines left out). */
function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
}

/** Polls the output until `nth` log lines match (the first by default), or fails after `ms`. */
async function logged(
  output: { readonly stdout: string },
  match: (line: LogLine) => boolean,
  nth = 1,
  ms = 20_000,
): Promise<LogLine> {
  const deadline = Date.now() + ms
  for (;;) {
    const found = logLines(output.stdout).filter(match)[nth - 1]
    if (found) return found
    if (Date.now() > deadline) assert.fail(`no such log line within ${ms} ms:\n${output.stdout}`)
    await sleep(25)
  }
}

async function login(url: string): Promise<string> {
  const res = await call(`${url}/api/auth/session`, {
    method: 'POST',
    json: { username: 'ada', password: 'lovelace' },
  })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return String(field(res.body, 'token'))
}

/** Pids that answered `count` requests, each on a connection of its own (so the cluster spreads them). */
async function pidsAnswering(url: string, token: string, count: number): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: count }, () => call(`${url}/api/whoami`, { headers: bearer(token) })),
  )
}

// Each case runs processes of its own: two groups at a time run side by side, to
// keep the suite short without starting more processes than two cores can take.
void describe('dara start --workers', { concurrency: 2 }, () => {
  void describe('dara start --workers: bad input is one line', { concurrency: 3 }, () => {
    const cases: { args: string[]; env: Record<string, string>; line: string }[] = [
      {
        args: ['--workers', '0'],
        env: {},
        line: `error DARA_ERR_CLI_USAGE: --workers must be a whole number from 1 to ${4 * CORES} (4 per core, ${CORES} cores here) or auto, got "0"${USAGE}`,
      },
      {
        args: ['--workers', 'abc'],
        env: {},
        line: `error DARA_ERR_CLI_USAGE: --workers must be a whole number from 1 to ${4 * CORES} (4 per core, ${CORES} cores here) or auto, got "abc"${USAGE}`,
      },
      {
        args: ['--workers', String(4 * CORES + 1)],
        env: {},
        line: `error DARA_ERR_CLI_USAGE: --workers must be a whole number from 1 to ${4 * CORES} (4 per core, ${CORES} cores here) or auto, got "${4 * CORES + 1}"${USAGE}`,
      },
      {
        args: [],
        env: { DARA_WORKERS: '2.5' },
        line: `error DARA_ERR_CLI_USAGE: DARA_WORKERS must be a whole number from 1 to ${4 * CORES} (4 per core, ${CORES} cores here) or auto, got "2.5"${USAGE}`,
      },
      {
        args: ['--workers', '2', '--reload'],
        env: {},
        line: `error DARA_ERR_CLI_USAGE: --reload and --workers do not mix: --reload runs one process that restarts when a file changes, --workers several that run as they are; drop one of them${USAGE}`,
      },
      {
        args: ['--reload'],
        env: { DARA_WORKERS: 'auto' },
        line: `error DARA_ERR_CLI_USAGE: --reload and DARA_WORKERS do not mix: --reload runs one process that restarts when a file changes, --workers several that run as they are; drop one of them${USAGE}`,
      },
    ]
    for (const { args, env, line } of cases) {
      const name = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args].join(' ')
      void test(name, async (t) => {
        const run = spawnDara(t, APP, env, args)
        assert.deepEqual(await exitWithin(run, 30_000), { code: 1, signal: null })
        assert.equal(run.output.stderr, `${line}\n`)
        assert.equal(run.output.stdout, '')
      })
    }
  })

  void describe('dara start --workers: an app that cannot start', { concurrency: true }, () => {
    void test('two workers on the memory session store: one coded error that says to set DARA_REDIS_URL', async (t) => {
      const run = spawnDara(t, APP, {}, ['--workers', '2'])
      assert.deepEqual(await exitWithin(run, 40_000), { code: 1, signal: null })
      assert.equal(
        run.output.stderr,
        'error DARA_ERR_WORKERS_MEMORY_STORE: 2 workers would each keep sessions in their own memory (MemorySessionStore): a login on one worker would be unknown to the next. Set DARA_REDIS_URL to a Redis that every worker reaches (or give config.setSessionStore() another shared store), or run one worker.\n',
      )
      assert.doesNotMatch(run.output.stdout, /listening on/)
    })

    void test('the second worker throws at start: the first is stopped, exit 1, that error once', async (t) => {
      if (!have(t, 'redis-server')) return
      const redis = await startRedis(t)
      const run = spawnDara(t, 'tests/fixtures/worker-throws.ts', { DARA_REDIS_URL: redis.url }, [
        '--workers',
        '2',
      ])
      assert.deepEqual(await exitWithin(run, 40_000), { code: 1, signal: null })
      assert.match(
        run.output.stderr,
        /^error: worker 2 cannot start: no licence file\n\s+at .*tests\/fixtures\/worker-throws\.ts:\d+:\d+\)?\n$/,
      )
      assert.doesNotMatch(run.output.stdout, /listening on/)
    })
  })

  void describe('dara start --workers 2 with Redis', { skip: needs('redis-server') }, () => {
    void test(
      'both workers serve one login; a dead worker is replaced with a log line saying why, later ones after a longer wait; SIGTERM drains both and exits 0',
      { timeout: 120_000 },
      async (t) => {
        const redis = await startRedis(t)
        const app = await startDara(
          t,
          APP,
          { DARA_REDIS_URL: redis.url, DARA_LOG_LEVEL: 'info', DARA_GRACE_MS: '8000' },
          ['--workers', '2'],
        )
        // The route table is printed once, by the primary, with the workers' pids.
        assert.equal(app.output.stdout.match(/listening on/g)?.length, 1, app.output.stdout)
        const pids = /^2 workers \(pids (\d+), (\d+)\); a worker that dies is replaced$/m
          .exec(app.output.stdout)
          ?.slice(1)
        assert.ok(pids, app.output.stdout)

        const token = await login(app.url)
        const answers = await pidsAnswering(app.url, token, 20)
        for (const res of answers) assert.equal(res.status, 200, JSON.stringify(res.body))
        assert.deepEqual(
          new Set(answers.map((res) => String(field(res.body, 'pid')))),
          new Set(pids),
          'both workers answered, with the login made on one of them',
        )
        const ready = await call(`${app.url}/api/core/ready`)
        assert.deepEqual([ready.status, ready.body], [200, { status: 'ready' }])

        // A bug takes a worker down: it is replaced after 100 ms, and says why.
        const crash = await call(`${app.url}/api/crash`)
        const crashed = Number(crash.headers['x-instance'])
        const first = await logged(app.output, (l) => l['workerPid'] === crashed && l.level === 50)
        assert.equal(first.level, 50)
        assert.equal(
          first.msg,
          `Worker ${String(first['worker'])} (pid ${crashed}) exited with code 1; starting a new one in 100 ms`,
        )
        const back = await logged(
          app.output,
          (l) => l.msg === `Worker ${String(first['worker'])} is back`,
        )
        // The replacement dies young too (kill -9): the wait doubles.
        const replacement = Number(back['workerPid'])
        process.kill(replacement, 'SIGKILL')
        const second = await logged(
          app.output,
          (l) => l['workerPid'] === replacement && l.level === 50,
        )
        assert.equal(
          second.msg,
          `Worker ${String(first['worker'])} (pid ${replacement}) was killed by SIGKILL; starting a new one in 200 ms`,
        )
        await logged(app.output, (l) => l.msg === `Worker ${String(first['worker'])} is back`, 2)
        // No session lost: the replacement serves the same login.
        const survivor = pids.find((pid) => Number(pid) !== crashed)
        const later = new Set<string>()
        for (let i = 0; i < 40 && later.size < 2; i++) {
          const res = await call(`${app.url}/api/whoami`, { headers: bearer(token) })
          assert.equal(res.status, 200, JSON.stringify(res.body))
          later.add(String(field(res.body, 'pid')))
        }
        assert.equal(later.size, 2)
        assert.ok(survivor !== undefined && later.has(survivor))

        // SIGTERM to the primary with slow requests in flight on both workers.
        const slow = Array.from({ length: 6 }, () =>
          call(`${app.url}/api/whoami?ms=800`, { headers: bearer(token) }),
        )
        await sleep(300)
        app.child.kill('SIGTERM')
        const finished = await Promise.all(slow)
        assert.deepEqual(
          finished.map((res) => res.status),
          Array.from({ length: 6 }, () => 200),
        )
        assert.equal(new Set(finished.map((res) => field(res.body, 'pid'))).size, 2)
        assert.deepEqual(await exitWithin(app, 15_000), { code: 0, signal: null })
        // Standard error holds the crash of the worker, as Node prints it, and nothing else.
        assert.equal(app.output.stderr.match(/^Error: /gm)?.join(), 'Error: ')
        assert.match(app.output.stderr, /^Error: a timer of the app failed$/m)
        // Every worker stopped too: nothing answers on the port.
        await assert.rejects(call(`${app.url}/api/core/health`), { code: 'ECONNREFUSED' })
      },
    )

    void test(
      'Ctrl+C reaches every process of the terminal: the workers leave it to the primary, finish their requests, and all exit 0',
      { timeout: 90_000 },
      async (t) => {
        const redis = await startRedis(t)
        // A process group of its own, as a terminal makes: SIGINT to the group reaches every process.
        const child = spawn(
          process.execPath,
          ['bin/dara.js', 'start', APP, '--port', '0', '--workers', '2'],
          {
            cwd: ROOT,
            detached: true,
            env: {
              ...process.env,
              DARA_REDIS_URL: redis.url,
              DARA_JWT_SECRET: SECRET,
              DARA_LOG_LEVEL: 'warn',
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
        const output = { stdout: '', stderr: '' }
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk))
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk))
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
          child.on('close', (code, signal) => done({ code, signal })),
        )
        t.after(() => {
          if (child.exitCode === null && child.signalCode === null)
            process.kill(-(child.pid ?? 0), 'SIGKILL')
        })
        const deadline = Date.now() + 30_000
        let url: string | undefined
        while (!(url = /listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output.stdout)?.[1])) {
          if (Date.now() > deadline || child.exitCode !== null) assert.fail(output.stderr)
          await sleep(25)
        }
        const token = await login(url)
        const slow = Array.from({ length: 4 }, () =>
          call(`${url}/api/whoami?ms=800`, { headers: bearer(token) }),
        )
        await sleep(300)
        process.kill(-(child.pid ?? 0), 'SIGINT')
        const finished = await Promise.all(slow)
        assert.deepEqual(
          finished.map((res) => [res.status, field(res.body, 'user')]),
          Array.from({ length: 4 }, () => [200, 'ada']),
        )
        assert.deepEqual(await exitWithin({ exited }, 15_000), { code: 0, signal: null })
        assert.equal(output.stderr, '')
      },
    )

    void test(
      'Redis unreachable at start: the workers start anyway, answer 503 with the reason, and recover when it comes',
      { timeout: 90_000 },
      async (t) => {
        const port = await freePort()
        const app = await startDara(
          t,
          APP,
          { DARA_REDIS_URL: `redis://127.0.0.1:${port}`, DARA_JWT_SECRET: SECRET },
          ['--workers', '2'],
        )
        const token = await forgeToken({ claims: { sub: 'ada', name: 'Ada' } })
        for (let i = 0; i < 4; i++) {
          const ready = await call(`${app.url}/api/core/ready`)
          assert.equal(ready.status, 503)
          assert.equal(field(ready.body, 'code'), 'DARA_ERR_NOT_READY')
          assert.match(
            String(field(ready.body, 'detail')),
            new RegExp(
              `^Not ready: the session store is unavailable \\(Redis: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`,
            ),
          )
          const whoami = await call(`${app.url}/api/whoami`, { headers: bearer(token) })
          assert.equal(whoami.status, 503)
          assert.equal(field(whoami.body, 'code'), 'DARA_ERR_AUTH_STORE_DOWN')
          assert.equal((await call(`${app.url}/api/core/health`)).status, 200)
        }

        await startRedis(t, port)
        const deadline = Date.now() + 20_000
        // Sessions fail closed: the forged token's session was never stored, so
        // once Redis answers it is refused, and a login serves on both workers.
        let fresh: string | undefined
        while (fresh === undefined) {
          const res = await call(`${app.url}/api/auth/session`, {
            method: 'POST',
            json: { username: 'ada', password: 'lovelace' },
          })
          if (res.status === 200) fresh = String(field(res.body, 'token'))
          else if (Date.now() > deadline)
            assert.fail(`login still ${res.status} ${JSON.stringify(res.body)}`)
          else await sleep(50)
        }
        const seen = new Set<string>()
        while (seen.size < 2) {
          const res = await call(`${app.url}/api/whoami`, { headers: bearer(fresh) })
          if (res.status === 200) seen.add(String(res.headers['x-instance']))
          else if (Date.now() > deadline)
            assert.fail(`still ${res.status} ${JSON.stringify(res.body)}`)
          else await sleep(50)
        }
        assert.deepEqual((await call(`${app.url}/api/core/ready`)).body, { status: 'ready' })
      },
    )
  })
})
