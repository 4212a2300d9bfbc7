// The files docs/deploy.md ships in deploy/ are read as their tools read them:
// the YAML parses, and what each says agrees with the repository and with the
// others. The Dockerfile runs only npm scripts package.json has and copies what
// exists; compose and Kubernetes give Redis persistence and noeviction, the
// probes the right routes, a shutdown delay longer than the checks take to
// notice and a grace period that holds it; HAProxy accepts its configuration.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse, parseAllDocuments } from 'yaml'
import { ROOT } from '../helpers/processes.ts'
import { have } from '../helpers/system.ts'
import { HAPROXY, HAPROXY_CONFIG } from '../helpers/topology.ts'

const DEPLOY = join(ROOT, 'deploy')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

/** A YAML value as a plain record (the files are objects at every level read here). */
function obj(value: unknown, what: string): Record<string, unknown> {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), what)
  return Object.fromEntries(Object.entries(value))
}
function list(value: unknown, what: string): unknown[] {
  assert.ok(Array.isArray(value), what)
  return value
}
/** The value at a dotted path (`a.b.0.c`) of parsed YAML. */
function at(value: unknown, path: string): unknown {
  let here = value
  for (const key of path.split('.')) {
    here = Array.isArray(here) ? here[Number(key)] : obj(here, `${path} at ${key}`)[key]
  }
  return here
}

interface Instruction {
  readonly keyword: string
  readonly args: string
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfile(): Instruction[][] {
  const text = read('deploy/Dockerfile').replace(/\\\n\s*/g, ' ')
  const stages: Instruction[][] = []
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const match = /^([A-Z]+)\s+(.*)$/.exec(trimmed)
    assert.ok(match?.[1] && match[2] !== undefined, `not an instruction: ${trimmed}`)
    if (match[1] === 'FROM') stages.push([])
    const stage = stages.at(-1)
    assert.ok(stage, 'an instruction before FROM')
    stage.push({ keyword: match[1], args: match[2] })
  }
  return stages
}

/** HAProxy's health-check timing: how long a stopping process may still get requests. */
function checkWindowMs(): number {
  const config = readFileSync(HAPROXY_CONFIG, 'utf8')
  const inter = /\binter (\d+)s\b/.exec(config)?.[1]
  const fall = /\bfall (\d+)\b/.exec(config)?.[1]
  assert.ok(inter && fall)
  return Number(inter) * 1000 * Number(fall)
}

const packageJson = obj(JSON.parse(read('package.json')), 'package.json')
const scripts = obj(packageJson['scripts'], 'scripts')

void test('the Dockerfile: two stages, npm scripts package.json has, a non-root user, production, a health check', () => {
  const stages = dockerfile()
  assert.ok(stages.length >= 2, 'multi-stage')
  const runs = stages.flat().filter((i) => i.keyword === 'RUN')
  const npm = runs.flatMap((i) => [...i.args.matchAll(/\bnpm (\S+)(?: (\S+))?/g)])
  assert.ok(npm.length > 0)
  for (const [, command, script] of npm) {
    if (command === 'run') assert.ok(script && script in scripts, `npm run ${script}`)
    else assert.ok(['ci', 'prune'].includes(String(command)), `npm ${command}`)
  }
  // npm ci needs the lock file, copied before it.
  assert.ok(existsSync(join(ROOT, 'package-lock.json')))

  const final = stages.at(-1) ?? []
  const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args
  assert.ok(user && !['root', '0', '0:0'].includes(user), `USER ${user}`)
  const env = final
    .filter((i) => i.keyword === 'ENV')
    .map((i) => i.args)
    .join(' ')
  assert.match(env, /\bNODE_ENV=production\b/)
  const health = final.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? ''
  assert.match(health, /http:\/\/127\.0\.0\.1:8000\/api\/core\/health/)
  const cmd = final.find((i) => i.keyword === 'CMD')?.args ?? ''
  assert.match(cmd, /node bin\/dara\.js start \\"\$APP\\" --host 0\.0\.0\.0 --port \\"\$PORT\\"/)
  // The default app exists, and the runtime stage gets everything it runs from.
  const app = /^APP=(\S+)$/.exec(final.find((i) => i.keyword === 'ARG')?.args ?? '')?.[1]
  assert.ok(app && existsSync(join(ROOT, app)), `ARG APP=${app}`)
  const built = new Set(['node_modules', 'dist'])
  for (const copy of final.filter((i) => i.keyword === 'COPY')) {
    const parts = copy.args.split(/\s+/).filter((part) => !part.startsWith('--'))
    for (const source of parts.slice(0, -1)) {
      const path = source.replace(/^\/app\//, '')
      assert.ok(built.has(path) || existsSync(join(ROOT, path)), `COPY ${source}`)
    }
  }
  const copied = final.filter((i) => i.keyword === 'COPY').map((i) => i.args)
  for (const needed of ['bin', 'src', 'node_modules', 'package.json', app.split('/')[0] ?? '']) {
    assert.ok(
      copied.some((args) => args.includes(`/app/${needed}`)),
      `the runtime stage copies ${needed}`,
    )
  }
  // The build's ignore file keeps none of that out.
  const ignored = read('deploy/Dockerfile.dockerignore')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
  for (const needed of ['bin', 'src', 'examples', 'package.json', 'package-lock.json', 'ui']) {
    assert.ok(!ignored.includes(needed), `${needed} is ignored`)
  }
})

void test('compose.yaml: three replicas behind HAProxy, Redis persistent and never evicting, the proxy trusted alone', () => {
  const compose: unknown = parse(read('deploy/compose.yaml'))
  const app = obj(at(compose, 'services.app'), 'services.app')
  assert.equal(at(compose, 'name'), 'dara')
  assert.equal(at(app, 'deploy.replicas'), 3)
  assert.ok(
    existsSync(join(DEPLOY, String(at(app, 'build.context')), String(at(app, 'build.dockerfile')))),
  )
  const env = obj(app['environment'], 'environment')
  assert.equal(env['NODE_ENV'], 'production')
  assert.equal(env['DARA_REDIS_URL'], 'redis://redis:6379')
  assert.match(String(env['DARA_JWT_SECRET']), /^\$\{DARA_JWT_SECRET:\?.+\}$/)
  // The replicas are the servers HAProxy balances over, by their compose names.
  const config = readFileSync(HAPROXY_CONFIG, 'utf8')
  for (let i = 1; i <= 3; i++)
    assert.match(config, new RegExp(`"\\$\\{DARA_APP_${i}-dara-app-${i}:8000\\}"`))
  // Trust the proxy's address alone.
  const haproxy = obj(at(compose, 'services.haproxy'), 'services.haproxy')
  assert.equal(env['DARA_TRUST_PROXY'], at(haproxy, 'networks.dara.ipv4_address'))
  assert.deepEqual(
    list(haproxy['volumes'], 'volumes')[0],
    './haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro',
  )
  // The balancer stops sending before the port closes, and docker waits for the rest.
  const delay = Number(env['DARA_SHUTDOWN_DELAY_MS'])
  const grace = Number(env['DARA_GRACE_MS'])
  assert.ok(delay > checkWindowMs(), `delay ${delay} ms`)
  assert.ok(grace > delay)
  assert.ok(Number(/^(\d+)s$/.exec(String(app['stop_grace_period']))?.[1]) * 1000 > grace)

  const redis = list(at(compose, 'services.redis.command'), 'redis command').join(' ')
  assert.match(redis, /--appendonly yes\b/)
  assert.match(redis, /--maxmemory-policy noeviction\b/)
  assert.ok(
    list(at(compose, 'services.redis.volumes'), 'redis volumes').includes('redis-data:/data'),
  )
})

void test('kubernetes.yaml: probes on the two routes, the secret from a Secret, a Service, Redis persistent and never evicting', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes.yaml')).map((doc) => {
    assert.deepEqual(doc.errors, [])
    const js: unknown = doc.toJS()
    return obj(js, 'document')
  })
  const kinds = docs.map((doc) => `${String(doc['kind'])}/${String(at(doc, 'metadata.name'))}`)
  assert.deepEqual(kinds, [
    'Secret/dara',
    'Deployment/dara',
    'Service/dara',
    'StatefulSet/dara-redis',
    'Service/dara-redis',
  ])
  const [secret, deployment, service, redis, redisService] = docs
  const pod = at(deployment, 'spec.template.spec')
  const container = at(pod, 'containers.0')
  assert.equal(at(container, 'livenessProbe.httpGet.path'), '/api/core/health')
  assert.equal(at(container, 'readinessProbe.httpGet.path'), '/api/core/ready')
  assert.equal(at(container, 'startupProbe.httpGet.path'), '/api/core/health')
  const env = new Map(
    list(at(container, 'env'), 'env').map((entry) => {
      const e = obj(entry, 'env entry')
      return [String(e['name']), e] as const
    }),
  )
  assert.deepEqual(env.get('DARA_JWT_SECRET')?.['valueFrom'], {
    secretKeyRef: { name: at(secret, 'metadata.name'), key: 'DARA_JWT_SECRET' },
  })
  assert.ok('DARA_JWT_SECRET' in obj(at(secret, 'stringData'), 'stringData'))
  assert.equal(env.get('NODE_ENV')?.['value'], 'production')
  assert.equal(
    env.get('DARA_REDIS_URL')?.['value'],
    `redis://${String(at(redisService, 'metadata.name'))}:6379`,
  )
  assert.notEqual(env.get('DARA_TRUST_PROXY')?.['value'], 'true')
  // The Service stops sending (readiness failed) before the port closes; the pod's grace holds it all.
  const delay = Number(env.get('DARA_SHUTDOWN_DELAY_MS')?.['value'])
  const grace = Number(env.get('DARA_GRACE_MS')?.['value'])
  const readiness =
    Number(at(container, 'readinessProbe.periodSeconds')) *
    Number(at(container, 'readinessProbe.failureThreshold'))
  assert.ok(delay > readiness * 1000, `delay ${delay} ms`)
  assert.ok(grace > delay)
  assert.ok(Number(at(pod, 'terminationGracePeriodSeconds')) * 1000 > grace)
  assert.equal(at(pod, 'securityContext.runAsNonRoot'), true)
  // The Services select the pods.
  assert.deepEqual(at(service, 'spec.selector'), at(deployment, 'spec.template.metadata.labels'))
  assert.deepEqual(at(redisService, 'spec.selector'), at(redis, 'spec.template.metadata.labels'))
  const args = list(at(redis, 'spec.template.spec.containers.0.args'), 'redis args').join(' ')
  assert.match(args, /--appendonly yes\b/)
  assert.match(args, /--maxmemory-policy noeviction\b/)
  assert.equal(at(redis, 'spec.template.spec.containers.0.volumeMounts.0.mountPath'), '/data')
})

void test('every DARA_ variable the deploy files set is one dara-ts or haproxy.cfg reads', () => {
  const source = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(ROOT, 'src', file), 'utf8'))
    .join('\n')
  const config = readFileSync(HAPROXY_CONFIG, 'utf8')
  for (const file of ['deploy/compose.yaml', 'deploy/kubernetes.yaml', 'docs/deploy.md']) {
    for (const [name] of read(file).matchAll(/\bDARA_[A-Z0-9_]+/g)) {
      if (name.startsWith('DARA_ERR_')) continue
      assert.ok(source.includes(`'${name}'`) || config.includes(name), `${file}: ${name}`)
    }
  }
})

void test('docs/deploy.md names every file of deploy/, and only files that exist', () => {
  const guide = read('docs/deploy.md')
  for (const file of readdirSync(DEPLOY)) assert.ok(guide.includes(`deploy/${file}`), file)
  for (const [path] of guide.matchAll(/\bdeploy\/[\w.-]+/g))
    assert.ok(existsSync(join(ROOT, path)), path)
})

void test('HAProxy accepts deploy/haproxy.cfg: round robin, checks on /api/core/ready', (t) => {
  const config = readFileSync(HAPROXY_CONFIG, 'utf8')
  assert.match(config, /^\s+balance roundrobin$/m)
  assert.match(
    config,
    /^\s+http-check send meth GET uri \/api\/core\/ready ver HTTP\/1\.1 hdr Host \S+$/m,
  )
  assert.match(config, /^\s+http-check expect status 200$/m)
  if (!have(t, HAPROXY)) return
  // Plain addresses, as the load-balancer suite runs it; the TLS branch runs in tls.test.ts.
  const out = execFileSync(HAPROXY, ['-c', '-f', HAPROXY_CONFIG], {
    env: {
      ...process.env,
      DARA_APP_1: '127.0.0.1:1',
      DARA_APP_2: '127.0.0.1:2',
      DARA_APP_3: '127.0.0.1:3',
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  assert.match(out, /Configuration file is valid/)
})
