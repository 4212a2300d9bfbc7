// Components with a React side of their own (`static ui`), through the real
// CLI: `dara start` builds them in development (again only when a UI file
// changed), a module that does not compile stops the start with the
// compiler's message and file:line, and a production start builds nothing:
// it refuses a missing or stale build and serves what `dara build` wrote.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createApp, type ConfigurationBuilder } from 'dara-ts'
import { SECRET } from '../helpers/auth.ts'
import { exitWithin, spawnDara, startDara } from '../helpers/dara-process.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const APP = 'tests/fixtures/own-component.ts'

const GOOD = `import { useState } from 'react'
export default function Badge({ props }: { props: { label?: string } }) {
  const [count, setCount] = useState(0)
  return <button onClick={() => setCount(count + 1)}>{props.label ?? 'badge'} {count}</button>
}
`
const BROKEN = `export default function Badge() {
  return <div>{</div>
}
`

function folder(): { dir: string; ui: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dara-own-ui-'))
  return { dir, ui: join(dir, 'badge.tsx'), out: join(dir, 'build') }
}

/** `dara build` with its stdout, stderr and exit code. */
function daraBuild(env: Record<string, string>, args: readonly string[] = []) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ['bin/dara.js', 'build', APP, ...args],
      { cwd: ROOT, env: { ...process.env, DARA_JWT_SECRET: SECRET, ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

// Each start or build runs Vite or the app in a process of its own: slow on a loaded machine.
const SLOW = { timeout: 300_000 }

void describe('a component with its own React side', () => {
  void test(
    'a module that does not compile stops dara start and dara build with file:line',
    SLOW,
    async (t) => {
      const { ui, out } = folder()
      writeFileSync(ui, BROKEN)
      const expected = `error DARA_ERR_COMPONENT_BUILD_FAILED: The React side of Badge failed to build: ${ui}:2:17: Unexpected token`
      const start = spawnDara(t, APP, { COMPONENT_UI: ui, DARA_COMPONENTS_DIR: out })
      assert.equal((await exitWithin(start, 120_000)).code, 1)
      assert.equal(start.output.stderr.split('\n')[0], expected)
      assert.doesNotMatch(start.output.stdout, /listening on/)
      const build = await daraBuild({ COMPONENT_UI: ui, DARA_COMPONENTS_DIR: out })
      assert.equal(build.code, 1)
      assert.equal(build.stderr.split('\n')[0], expected)
    },
  )

  void test(
    'dara start builds in development, and builds again only after a UI file changed',
    SLOW,
    async (t) => {
      const { ui, out } = folder()
      writeFileSync(ui, GOOD)
      const env = { COMPONENT_UI: ui, DARA_COMPONENTS_DIR: out }
      const run = async (label: string) => {
        const app = await startDara(t, APP, env)
        const config = (await (await fetch(`${app.url}/api/core/config`)).json()) as {
          components: string | null
        }
        app.child.kill('SIGTERM')
        await exitWithin(app, 30_000)
        return { built: app.output.stdout.includes(label), config }
      }
      const first = await run('[dara] built the React side of Badge')
      assert.equal(first.built, true)
      assert.match(String(first.config.components), /^\/assets\/app\/registry-[\w-]+\.js$/)
      assert.equal((await run('[dara] built the React side of Badge')).built, false)
      writeFileSync(ui, GOOD.replace("'badge'", "'changed'"))
      assert.equal((await run('[dara] built the React side of Badge')).built, true)
    },
  )

  void test(
    'a production start refuses a missing or stale build and serves what dara build wrote',
    SLOW,
    async (t) => {
      const { ui, out } = folder()
      writeFileSync(ui, GOOD)
      const env = { COMPONENT_UI: ui, DARA_COMPONENTS_DIR: out, NODE_ENV: 'production' }

      const missing = spawnDara(t, APP, env)
      assert.equal((await exitWithin(missing, 60_000)).code, 1)
      assert.equal(
        missing.output.stderr.split('\n')[0],
        `error DARA_ERR_COMPONENTS_NOT_BUILT: Component Badge has a React side of its own (static ui), but ${out} holds no build of it. Run \`npx dara build main.ts\` before a production start (in development, \`dara start\` builds it).`,
      )

      const build = await daraBuild({ COMPONENT_UI: ui }, ['--out', out])
      assert.equal(build.code, 0, build.stderr)
      assert.equal(
        build.stdout,
        `Built the React side of Badge into ${out}\nStart the app with DARA_COMPONENTS_DIR=${out} so that it finds them\n`,
      )

      const app = await startDara(t, APP, env)
      assert.doesNotMatch(app.output.stdout, /built the React side/)
      const config = (await (await fetch(`${app.url}/api/core/config`)).json()) as {
        components: string
      }
      const registry = await fetch(`${app.url}${config.components}`)
      assert.equal(registry.status, 200)
      assert.equal(registry.headers.get('content-type'), 'text/javascript; charset=utf-8')
      assert.equal(registry.headers.get('cache-control'), 'public, max-age=31536000, immutable')
      const chunk = /import\(`\.\/(badge-[\w-]+\.js)`\)/.exec(await registry.text())?.[1]
      assert.ok(chunk, 'the registry imports the component lazily')
      const code = await (await fetch(`${app.url}/assets/app/${chunk}`)).text()
      // React comes from the UI (globalThis.__DARA_SHARED__), not a second copy.
      assert.match(code, /__DARA_SHARED__/)
      assert.ok(code.length < 4000, `the component's own code only: ${code.length} bytes`)
      app.child.kill('SIGTERM')
      await exitWithin(app, 30_000)

      writeFileSync(ui, GOOD.replace("'badge'", "'changed'"))
      const stale = spawnDara(t, APP, env)
      assert.equal((await exitWithin(stale, 60_000)).code, 1)
      assert.equal(
        stale.output.stderr.split('\n')[0],
        `error DARA_ERR_COMPONENTS_STALE: The build of the app's components in ${out} is out of date: ${ui} changed. Run \`npx dara build main.ts\` again before a production start.`,
      )
    },
  )

  void test(
    'createApp without a build: refused in production, served with a warning elsewhere',
    SLOW,
    async (t) => {
      const { ui, out } = folder()
      writeFileSync(ui, GOOD)
      process.env['COMPONENT_UI'] = ui
      const { config } = (await import('../fixtures/own-component.ts')) as {
        config: ConfigurationBuilder
      }
      const lines: string[] = []
      const stream = { write: (line: string) => void lines.push(line) }
      const app = createApp(config, { logger: { stream }, secret: SECRET, componentsDir: out })
      t.after(() => app.close())
      // The start's warnings are written as the app starts.
      await app.ready()
      const warnings = lines
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((line) => line.level === 40)
        .map((line) => line.msg)
      assert.deepEqual(warnings, [
        `DARA_ERR_COMPONENTS_NOT_BUILT: Component Badge has a React side of its own (static ui), but ${out} holds no build of it. Run \`npx dara build main.ts\` before a production start (in development, \`dara start\` builds it). Until then the pages show an error in their place.`,
      ])
      // The page is served (its endpoint too), the UI told there is no bundle.
      const config_ = await app.inject({ method: 'GET', url: '/api/core/config' })
      assert.equal(config_.json<{ components: string | null }>().components, null)
      assert.equal((await app.inject({ method: 'GET', url: '/home' })).statusCode, 200)

      const nodeEnv = process.env['NODE_ENV']
      process.env['NODE_ENV'] = 'production'
      t.after(() => {
        if (nodeEnv === undefined) delete process.env['NODE_ENV']
        else process.env['NODE_ENV'] = nodeEnv
      })
      assert.throws(
        () => createApp(config, { logger: false, secret: SECRET, componentsDir: out }),
        /^DaraError: DARA_ERR_COMPONENTS_NOT_BUILT: Component Badge/,
      )
    },
  )
})
