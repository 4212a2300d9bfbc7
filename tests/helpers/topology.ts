// Many machines on one: a redis-server, several `dara start` processes of one
// app on fixed loopback ports (so that one can be restarted where it was), and
// HAProxy in front with the configuration docs/deploy.md ships
// (deploy/haproxy.cfg), each killed when the test ends.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SECRET } from './auth.ts'
import { freePort, ROOT, startRedis, type RedisServer } from './processes.ts'
import { which } from './system.ts'

export const HAPROXY_CONFIG = join(ROOT, 'deploy', 'haproxy.cfg')
/** Debian installs HAProxy in /usr/sbin, which may not be on a user's PATH. */
export const HAPROXY = which('haproxy') ?? '/usr/sbin/haproxy'
const BIN = join(ROOT, 'bin', 'dara.js')

export interface AppProcess {
  readonly name: string
  readonly port: number
  /** The running process; undefined before the first start. */
  child: ChildProcess | undefined
  output: string
  /** How the current child ended: code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface Topology {
  readonly redis: RedisServer
  readonly apps: readonly AppProcess[]
  /** The load balancer's base url. */
  readonly url: string
  /** What HAProxy printed (server state changes). */
  readonly haproxyOutput: () => string
  /** Starts the app `name` again on its port, and waits for it to listen. */
  restart(app: AppProcess): Promise<void>
}

function waitExit(child: ChildProcess) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode })
      return
    }
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
}

async function launch(app: AppProcess, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(
    process.execPath,
    [BIN, 'start', 'tests/fixtures/cluster-app.ts', '--port', String(app.port)],
    { cwd: ROOT, env: { ...env, APP_INSTANCE: app.name }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  app.child = child
  app.output = ''
  app.exited = waitExit(child)
  const append = (chunk: string) => (app.output += chunk)
  child.stdout.setEncoding('utf8').on('data', append)
  child.stderr.setEncoding('utf8').on('data', append)
  const deadline = Date.now() + 30_000
  while (!/listening on http:\/\/127\.0\.0\.1:\d+$/m.test(app.output)) {
    if (child.exitCode !== null) assert.fail(`${app.name} exited:\n${app.output}`)
    if (Date.now() > deadline) assert.fail(`${app.name} did not listen:\n${app.output}`)
    await sleep(25)
  }
}

/**
 * Redis, `count` processes of tests/fixtures/cluster-app.ts sharing it (each
 * names itself in `x-instance`), and HAProxy over them; resolves once HAProxy
 * has sent a request to every one.
 */
export async function startTopology(
  t: TestContext,
  count: number,
  env: Record<string, string> = {},
): Promise<Topology> {
  const redis = await startRedis(t)
  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DARA_LOG_LEVEL: 'warn',
    DARA_JWT_SECRET: SECRET,
    DARA_REDIS_URL: redis.url,
    // HAProxy on loopback is the proxy: the client's address comes from X-Forwarded-For.
    DARA_TRUST_PROXY: '127.0.0.1',
    // Longer than the checks' fall × inter (2 × 1 s) in deploy/haproxy.cfg.
    DARA_SHUTDOWN_DELAY_MS: '2500',
    DARA_GRACE_MS: '10000',
    ...env,
  }
  delete appEnv['PORT']
  const apps: AppProcess[] = []
  for (let i = 1; i <= count; i++) {
    apps.push({
      name: `app${i}`,
      port: await freePort(),
      child: undefined,
      output: '',
      exited: Promise.resolve({ code: null, signal: null }),
    })
  }
  t.after(async () => {
    for (const app of apps) app.child?.kill('SIGKILL')
    await Promise.all(apps.map((app) => app.exited))
  })
  await Promise.all(apps.map((app) => launch(app, appEnv)))

  const lb = await startHaproxy(
    t,
    apps.map((app) => `127.0.0.1:${app.port}`),
  )
  await untilEveryInstance(
    lb.url,
    apps.map((app) => app.name),
    lb,
  )
  return {
    redis,
    apps,
    url: lb.url,
    haproxyOutput: () => lb.output(),
    restart: (app) => launch(app, appEnv),
  }
}

export interface Haproxy {
  /** http://127.0.0.1:port */
  readonly url: string
  /** https://127.0.0.1:port, when `tlsCert` was given. */
  readonly tlsUrl: string | undefined
  /** What HAProxy printed (server state changes). */
  output(): string
  /** Whether it has exited. */
  exited(): boolean
}

/**
 * HAProxy with deploy/haproxy.cfg on free loopback ports, balancing over
 * `backends` (host:port, at most three); with `tlsCert` (a PEM of certificate
 * and key), HTTPS too.
 */
export async function startHaproxy(
  t: TestContext,
  backends: readonly string[],
  tlsCert?: string,
): Promise<Haproxy> {
  const port = await freePort()
  const tlsPort = tlsCert === undefined ? undefined : await freePort()
  const haproxy = spawn(HAPROXY, ['-db', '-f', HAPROXY_CONFIG], {
    env: {
      ...process.env,
      DARA_LB_BIND: `127.0.0.1:${port}`,
      ...Object.fromEntries(backends.map((address, i) => [`DARA_APP_${i + 1}`, address])),
      ...(tlsCert === undefined
        ? {}
        : { DARA_TLS_CERT: tlsCert, DARA_LB_TLS_BIND: `127.0.0.1:${tlsPort}` }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  haproxy.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  haproxy.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = waitExit(haproxy)
  t.after(async () => {
    haproxy.kill('SIGKILL')
    await exited
  })
  return {
    url: `http://127.0.0.1:${port}`,
    tlsUrl: tlsPort === undefined ? undefined : `https://127.0.0.1:${tlsPort}`,
    output: () => output,
    exited: () => haproxy.exitCode !== null || haproxy.signalCode !== null,
  }
}

/** Calls the balancer until every named instance has answered (20 s at most). */
async function untilEveryInstance(url: string, names: readonly string[], lb: Haproxy) {
  const seen = new Set<string>()
  const deadline = Date.now() + 20_000
  while (names.some((name) => !seen.has(name))) {
    if (lb.exited()) assert.fail(`HAProxy exited:\n${lb.output()}`)
    const res = await fetch(`${url}/api/hello`).catch(() => undefined)
    const instance = res?.headers.get('x-instance')
    if (res?.status === 200 && instance) seen.add(instance)
    else await sleep(50)
    if (Date.now() > deadline) {
      assert.fail(`not every instance answered (${[...seen].join()}):\n${lb.output()}`)
    }
  }
}

/** One request of a load run: when it was sent and answered, and what came back. */
export interface Sent {
  readonly start: number
  readonly end: number
  readonly status: number | string
  readonly instance: string | undefined
  readonly body: string
}

/**
 * Clients looping on `path` over keep-alive connections until `stop()`, or
 * until `total` requests were sent: every request is recorded, its answer or
 * its socket error.
 */
export function load(
  url: string,
  path: string,
  headers: Record<string, string>,
  clients: number,
  total = Infinity,
): { stop(): Promise<Sent[]>; done(): Promise<Sent[]> } {
  const agent = new Agent({ keepAlive: true, maxSockets: clients })
  const sent: Sent[] = []
  let running = true
  let issued = 0
  const once = () =>
    new Promise<void>((resolve) => {
      const start = performance.now()
      const req = request(`${url}${path}`, { agent, headers }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        res.on('end', () => {
          const instance = res.headers['x-instance']
          sent.push({
            start,
            end: performance.now(),
            status: res.statusCode ?? 0,
            instance: typeof instance === 'string' ? instance : undefined,
            body,
          })
          resolve()
        })
        res.on('error', (error) => {
          sent.push({
            start,
            end: performance.now(),
            status: error.message,
            instance: undefined,
            body,
          })
          resolve()
        })
      })
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
      req.on('error', (error: NodeJS.ErrnoException) => {
        sent.push({
          start,
          end: performance.now(),
          status: error.code ?? error.message,
          instance: undefined,
          body: '',
        })
        resolve()
      })
      req.end()
    })
  const loops = Array.from({ length: clients }, async () => {
    while (running && issued < total) {
      issued++
      await once()
    }
  })
  const done = async () => {
    await Promise.all(loops)
    agent.destroy()
    return sent
  }
  return {
    stop() {
      running = false
      return done()
    },
    done,
  }
}
