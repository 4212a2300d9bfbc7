// The two load generators: wrk when it is on PATH (it runs outside Node, so it
// competes less with the server for the CPU), else autocannon in this process.
// Either way the load never runs in the server's process.
import { execFile, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

export const CONNECTIONS = 50
const WRK_SCRIPT = fileURLToPath(new URL('wrk.lua', import.meta.url))

export type ToolName = 'wrk' | 'autocannon'

/** One measurement of one case. */
export interface Sample {
  readonly requests: number
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Responses whose status was not 2xx (for wrk: above 399, all it counts). */
  readonly non2xx: number
  /** Connect, read, write errors and timeouts. */
  readonly socketErrors: number
}

/** What one run sends, again and again. */
export interface LoadRequest {
  readonly url: string
  readonly method: 'GET' | 'POST'
  /** A JSON body, sent with content-type application/json. */
  readonly body?: string
  /** The whole Authorization header value. */
  readonly authorization?: string
}

export interface LoadTool {
  readonly name: ToolName
  /** Name, version and flags, for the report. */
  readonly description: string
  /** The command line of one run, for the report (the token and body elided). */
  commandFor(request: LoadRequest, seconds: number): string
  run(request: LoadRequest, seconds: number): Promise<Sample>
}

export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined
}

export function pickTool(forced: ToolName | undefined): LoadTool {
  if (forced === 'autocannon') return autocannonTool()
  if (forced === 'wrk' || wrkAvailable()) {
    if (!wrkAvailable()) throw new Error('--tool=wrk: wrk is not on PATH')
    return wrkTool()
  }
  return autocannonTool()
}

function wrkTool(): LoadTool {
  // `wrk --version` prints its banner and usage, and exits 1.
  const banner = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
  const version =
    `${banner.stdout}${banner.stderr}`
      .split('\n')[0]
      ?.replace(/\s*Copyright.*$/, '')
      .trim() || 'wrk'
  const args = (url: string, seconds: number): string[] => [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '-s',
    WRK_SCRIPT,
    url,
  ]
  return {
    name: 'wrk',
    description: `${version}; -t1 -c${CONNECTIONS} -d<seconds>s -s bench/wrk.lua`,
    commandFor: (request, seconds) =>
      [
        request.method === 'GET' ? '' : `BENCH_METHOD=${request.method} `,
        request.body === undefined ? '' : 'BENCH_BODY="$(<1 KiB JSON>)" ',
        request.authorization === undefined ? '' : 'BENCH_AUTHORIZATION="Bearer <token>" ',
        `wrk ${args(request.url, seconds).join(' ').replace(WRK_SCRIPT, 'bench/wrk.lua')}`,
      ].join(''),
    run: (request, seconds) =>
      new Promise((resolve, reject) => {
        const env = {
          ...process.env,
          BENCH_METHOD: request.method,
          BENCH_BODY: request.body ?? '',
          BENCH_AUTHORIZATION: request.authorization ?? '',
        }
        execFile('wrk', args(request.url, seconds), { env }, (error, stdout, stderr) => {
          if (error) {
            reject(new Error(`wrk failed: ${error.message}\n${stdout}${stderr}`))
            return
          }
          try {
            resolve(parseWrk(stdout))
          } catch (parseError) {
            reject(parseError instanceof Error ? parseError : new Error(String(parseError)))
          }
        })
      }),
  }
}

interface WrkResult {
  requests: number
  durationUs: number
  non2xx: number
  connect: number
  read: number
  write: number
  timeout: number
  p50Us: number
  p99Us: number
}

/** Reads the line that bench/wrk.lua's done() writes, and checks it against wrk's own summary. */
export function parseWrk(stdout: string): Sample {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
  if (line === undefined) throw new Error(`wrk printed no BENCH_RESULT line:\n${stdout}`)
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as WrkResult
  const rps = r.requests / (r.durationUs / 1e6)
  const summary = /Requests\/sec:\s+([\d.]+)/.exec(stdout)
  if (summary?.[1] !== undefined && Math.abs(Number(summary[1]) - rps) > rps * 0.01 + 1) {
    throw new Error(`wrk's Requests/sec (${summary[1]}) disagrees with the script's (${rps})`)
  }
  return {
    requests: r.requests,
    rps,
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    non2xx: r.non2xx,
    socketErrors: r.connect + r.read + r.write + r.timeout,
  }
}

function autocannonTool(): LoadTool {
  const pkg = JSON.parse(
    readFileSync(new URL('../node_modules/autocannon/package.json', import.meta.url), 'utf8'),
  ) as { version: string }
  return {
    name: 'autocannon',
    description: `autocannon ${pkg.version} (programmatic API, in the runner's process); connections: ${CONNECTIONS}, duration: <seconds>`,
    commandFor: (request, seconds) =>
      `autocannon({ url: '${request.url}', method: '${request.method}', connections: ${CONNECTIONS}, duration: ${seconds}${
        request.body === undefined ? '' : ', body: <1 KiB JSON>'
      }${request.authorization === undefined ? '' : ", headers: { authorization: 'Bearer <token>' }"} })`,
    async run(request, seconds) {
      const headers: Record<string, string> = {}
      if (request.body !== undefined) headers['content-type'] = 'application/json'
      if (request.authorization !== undefined) headers['authorization'] = request.authorization
      const result = await autocannon({
        url: request.url,
        method: request.method,
        connections: CONNECTIONS,
        duration: seconds,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      })
      return {
        requests: result.requests.total,
        rps: result.requests.total / result.duration,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        socketErrors: result.errors + result.timeouts,
      }
    },
  }
}
