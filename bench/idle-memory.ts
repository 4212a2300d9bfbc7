// `npm run bench:idle-memory`: where a compiled dara-ts app's idle memory goes,
// on the machine's Node and on Node 24 and 26 from the registry. Per line, raw
// node:http, bare Fastify and the dara-ts app are each started, sent one
// request, left idle for a second, and asked for process.memoryUsage(); RSS is
// read from /proc. The differences between the rows say what the Node line,
// Fastify and dara-ts each add.
//
//   npm run bench:idle-memory
//   npm run bench:idle-memory -- --node /path/to/node    these Node binaries instead of 24 and 26
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { timeToFirst200 } from './cold-start.ts'
import { call } from './http.ts'
import { rssMiB } from './machine.ts'
import { installRegistryNodes, userEnv, type RegistryNodes } from './registry-node.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'dara-ts-bench-secret-not-for-production-0001'
/** The goal of the performance round: a compiled app idles under 80 MiB. */
const GOAL_MIB = 80

const { values } = parseArgs({
  options: { node: { type: 'string', multiple: true } },
  strict: true,
})

interface Server {
  readonly label: string
  readonly args: readonly string[]
  readonly path: string
}
const SERVERS: readonly Server[] = [
  { label: 'raw node:http', args: ['bench/idle/node-http.js', '{port}'], path: '/api/memory' },
  { label: 'bare Fastify', args: ['bench/idle/fastify.js', '{port}'], path: '/api/memory' },
  {
    label: 'dara-ts app (`dara start app.js`)',
    args: ['bin/dara.js', 'start', 'bench/idle/app.js', '--port', '{port}'],
    path: '/api/memory',
  },
]

interface Memory {
  readonly rss: number
  readonly heapTotal: number
  readonly heapUsed: number
  readonly external: number
}

const env = userEnv({ NODE_ENV: 'production', DARA_JWT_SECRET: SECRET })
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`

/** One server's memory at idle: started, one request, a second of rest, then measured. */
async function idle(node: string, server: Server): Promise<Memory> {
  let measured: Memory | undefined
  await timeToFirst200({ node, args: server.args, env, path: server.path }, async (pid, port) => {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const answer = await call(port, server.path)
    const usage = JSON.parse(answer.body) as Omit<Memory, 'rss'>
    measured = { ...usage, rss: (rssMiB(pid) ?? NaN) * 1048576 }
  })
  if (measured === undefined) throw new Error(`${server.label}: no memory reading`)
  return measured
}

let registry: RegistryNodes | undefined
let nodes = [process.execPath, ...(values.node ?? [])]
if (values.node === undefined) {
  registry = installRegistryNodes([24, 26], env)
  nodes = [process.execPath, ...registry.paths]
}
try {
  console.log('bench: npm run build')
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  const rows: string[] = []
  for (const node of nodes) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
    let previous: Memory | undefined
    for (const server of SERVERS) {
      const m = await idle(node, server)
      const added = previous === undefined ? '' : `+${mib(m.rss - previous.rss)}`
      const goal =
        server === SERVERS[2]
          ? ` (goal < ${GOAL_MIB} MiB: ${m.rss / 1048576 < GOAL_MIB ? 'met' : 'NOT met'})`
          : ''
      rows.push(
        `| ${version} | ${server.label} | ${mib(m.rss)}${goal} | ${added} | ${mib(m.heapTotal)} | ${mib(m.heapUsed)} | ${mib(m.heapTotal - m.heapUsed)} | ${mib(m.external)} |`,
      )
      previous = m
    }
  }
  console.log(
    [
      '',
      '| Node | server | RSS | over the row above | V8 heap reserved | heap used | reserved, unused | external |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'),
  )
} finally {
  registry?.remove()
}
