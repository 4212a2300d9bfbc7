// `npm run soak`: the long soak, by hand. `dara start` on the every-route app,
// autocannon at 50 connections for 10 s of warm-up then 60 s (`--seconds N`,
// `--connections N`),
// then the figures and a verdict: no error the client did not cause, and RSS at
// the end within 10% of RSS once warm. Exits 1 when either fails.
//
//   npm run soak
//   npm run soak -- --seconds 300
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { soak } from '../tests/reliability/soak.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'dara-ts-soak-secret-not-for-production-0001'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
  },
})
const seconds = Number(values.seconds)
const connections = Number(values.connections)

const child = spawn(
  process.execPath,
  ['bin/dara.js', 'start', 'tests/fixtures/every-route.ts', '--port', '0'],
  {
    cwd: ROOT,
    env: { ...process.env, DARA_JWT_SECRET: SECRET, DARA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
)
const url = await new Promise<string>((resolve, reject) => {
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    const match = /listening on (http:\/\/\S+)$/m.exec(out)
    if (match?.[1]) resolve(match[1])
  })
  child.once('exit', (code) => reject(new Error(`dara start exited with ${code}`)))
})

try {
  const login = await fetch(`${url}/api/auth/session`, { method: 'POST' })
  const { token } = (await login.json()) as { token: string }
  if (child.pid === undefined) throw new Error('no server pid')
  console.log(`soak: ${seconds} s at ${connections} connections against ${url}`)
  const result = await soak({ url, pid: child.pid, seconds, warmupSeconds: 10, connections, token })
  const growth = (result.rssMiB.end - result.rssMiB.warm) / result.rssMiB.warm
  const clean = result.errors === 0 && result.timeouts === 0 && result.byClass['5xx'] === 0
  const stable = growth <= 0.1
  console.log(JSON.stringify({ ...result, rssGrowth: `${(growth * 100).toFixed(1)}%` }, null, 2))
  console.log(
    `${clean ? 'ok' : 'FAILED'}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.byClass['5xx']} 5xx`,
  )
  console.log(`${stable ? 'ok' : 'FAILED'}: RSS ${result.rssMiB.warm} -> ${result.rssMiB.end} MiB`)
  process.exitCode = clean && stable ? 0 : 1
} finally {
  child.kill('SIGTERM')
}
