// The consumer test, step by step: what a new user does with the packed
// package, in fresh projects outside this repository. SETUP_STEPS run once;
// NODE_STEPS once for each Node binary under test. A failure names its step.
//
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { tsSpecifiers } from '../../scripts/build/declarations.ts'
import { PUBLIC_NAMES } from '../helpers/public-api.ts'
import { expectAnswer, startDara } from './dara.ts'
import { exec, npmCli, tail } from './exec.ts'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
const APP = fileURLToPath(new URL('app/', import.meta.url))
const APP_FILES = ['greeting.ts', 'routes.ts', 'main.ts', 'client.ts', 'check.ts']
const COMPONENTS_APP = fileURLToPath(new URL('components-app/', import.meta.url))
/** GET /api/public's answer: `from` names the file greeting.ts was compiled to, or itself. */
const hello = (from: string): string => JSON.stringify({ message: 'Hello, world', from })

export interface Context {
  /** The temporary folder that holds everything below. */
  readonly root: string
  /** A tarball to install instead of packing this repository. */
  tarball: string | undefined
  readonly commonjs: string
  readonly module: string
  /** Where TypeScript 7 is installed (its own prefix, not a project's). */
  readonly typescript7: string
}

export interface NodeLine {
  readonly node: string
  readonly version: string
}

export interface Step {
  readonly name: string
  /** Returns a note for the report (a size, a version), or nothing. */
  run(ctx: Context): Promise<string | void>
}

export interface NodeStep {
  readonly name: string
  run(ctx: Context, line: NodeLine): Promise<string | void>
}

/** What a user may see in the tarball: the build, the bin, `dara init`'s template, the licence and the docs. */
const PACKED = /^(?:dist\/|bin\/|templates\/|package\.json$|LICENSE$|README\.md$|CHANGELOG\.md$)/
const MUST_PACK = [
  'LICENSE',
  'bin/dara.js',
  'bin/app-modules.js',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/cli/main.js',
  'dist/ui/index.html',
  'dist/swagger-ui/swagger-ui-bundle.js',
  'templates/app/main.ts',
  'dist/swagger-ui/LICENSE',
]
/** Packages a minimal app must not install: telemetry, the docs page's source, the tracing SDK. */
const NOT_INSTALLED = ['swagger-ui-dist', '@scarf/scarf', '@opentelemetry/sdk-node', 'protobufjs']

const repoTsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

function noEngineWarnings(output: string): void {
  const lines = output.split('\n').filter((line) => /EBADENGINE|Unsupported engine/.test(line))
  check(lines.length === 0, `npm warned about engines:\n${tail(output)}`)
}

/** Declaration files under `dir` that import a relative `.ts` path (tsc leaves them; the build rewrites them). */
function tsImportsIn(dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue
    const path = join(entry.parentPath, entry.name)
    const specifiers = tsSpecifiers(readFileSync(path, 'utf8'))
    if (specifiers.length > 0) found.push(`${path}: ${specifiers.join(', ')}`)
  }
  return found
}

/** Every folder named `name` that holds that package, anywhere under node_modules. */
function copiesOf(nodeModules: string, name: string): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const path = join(dir, entry.name)
      if (entry.name.startsWith('@')) {
        walk(path)
        continue
      }
      const relative = path.slice(nodeModules.length + 1)
      if (relative === name || relative.endsWith(`/node_modules/${name}`)) found.push(relative)
      try {
        walk(join(path, 'node_modules'))
      } catch {
        // no nested node_modules
      }
    }
  }
  walk(nodeModules)
  return found
}

async function install(project: string, tarball: string, type: 'commonjs' | 'module') {
  mkdirSync(project, { recursive: true })
  await exec('npm', ['init', '-y'], { cwd: project })
  if (type === 'module') await exec('npm', ['pkg', 'set', 'type=module'], { cwd: project })
  const installed = await exec('npm', ['install', '--no-audit', '--no-fund', tarball, 'zod'], {
    cwd: project,
  })
  noEngineWarnings(installed.stdout + installed.stderr)
  const nodeModules = join(project, 'node_modules')
  for (const name of NOT_INSTALLED) {
    const copies = copiesOf(nodeModules, name)
    check(copies.length === 0, `${name} was installed: ${copies.join(', ')}`)
  }
  const tsImports = tsImportsIn(join(nodeModules, 'dara-ts', 'dist'))
  check(tsImports.length === 0, `declaration files import .ts paths:\n${tsImports.join('\n')}`)
  const zods = copiesOf(nodeModules, 'zod')
  check(zods.length === 1, `one copy of zod expected, found: ${zods.join(', ')}`)
  for (const file of APP_FILES) copyFileSync(join(APP, file), join(project, file))
  writeFileSync(join(project, 'import-all.mjs'), IMPORT_ALL)
  const size = await exec('du', ['-sm', 'node_modules'], { cwd: project })
  return `node_modules ${size.stdout.split('\t')[0]} MB`
}

// Prints every public subpath's export names, loaded by plain Node.
const IMPORT_ALL = `const names = {}
for (const subpath of ${JSON.stringify(Object.keys(PUBLIC_NAMES))}) {
  const specifier = subpath === '.' ? 'dara-ts' : 'dara-ts/' + subpath.slice(2)
  names[subpath] = Object.keys(await import(specifier))
}
console.log(JSON.stringify(names))
`
const REQUIRE_ALL = IMPORT_ALL.replace('await import(specifier)', 'require(specifier)')

function checkNames(output: string, how: string): void {
  const found = JSON.parse(output) as Record<string, string[]>
  for (const [subpath, names] of Object.entries(PUBLIC_NAMES)) {
    const missing = names.filter((name) => !found[subpath]?.includes(name))
    check(missing.length === 0, `${how} dara-ts${subpath.slice(1)}: missing ${missing.join(', ')}`)
  }
}

async function typeCheck(tsc: string, cwd: string, config: string): Promise<string> {
  const version = (await exec(process.execPath, [tsc, '--version'], { cwd })).stdout.trim()
  const result = await exec(process.execPath, [tsc, '--noEmit', '-p', config], {
    cwd,
    allowFailure: true,
  })
  check(result.code === 0, `${version} -p ${config}:\n${tail(result.stdout + result.stderr, 60)}`)
  return version
}

/** The tsconfig.json that `tsc --init` writes, made in a scratch folder and saved as `file`. */
async function initConfig(ctx: Context, tsc: string, file: string): Promise<void> {
  const scratch = join(ctx.root, `init-${file}`)
  mkdirSync(scratch)
  await exec(process.execPath, [tsc, '--init'], { cwd: scratch })
  copyFileSync(join(scratch, 'tsconfig.json'), join(ctx.module, file))
}

/** The components app: a project of its own, so that Vite is installed in it alone. */
async function componentsProject(ctx: Context): Promise<string> {
  check(ctx.tarball !== undefined, 'no tarball')
  const project = join(ctx.root, 'components-app')
  mkdirSync(project, { recursive: true })
  await exec('npm', ['init', '-y'], { cwd: project })
  await exec('npm', ['pkg', 'set', 'type=module'], { cwd: project })
  await exec('npm', ['install', '--no-audit', '--no-fund', ctx.tarball, 'zod'], { cwd: project })
  for (const file of ['main.ts', 'counter.tsx'])
    copyFileSync(join(COMPONENTS_APP, file), join(project, file))
  return project
}

const COMPONENT_STEP: Step = {
  name: 'a component of its own (static ui): without Vite a coded error; with it, dara build and a production start that builds nothing',
  async run(ctx) {
    const project = await componentsProject(ctx)
    const bin = join(project, 'node_modules', '.bin', 'dara')
    const noVite = await exec(process.execPath, [bin, 'build', 'main.ts'], {
      cwd: project,
      allowFailure: true,
      timeoutMs: 120_000,
    })
    const expected =
      'error DARA_ERR_COMPONENTS_NO_VITE: Component Counter has a React side of its own (static ui), which dara-ts builds with Vite, and Vite is not installed. Run `npm install --save-dev vite`.'
    check(
      noVite.code === 1 && noVite.stderr.trim() === expected,
      `without vite: exit ${noVite.code}, stderr:\n${tail(noVite.stderr)}`,
    )
    await exec('npm', ['install', '--no-audit', '--no-fund', '-D', 'vite@8'], {
      cwd: project,
      timeoutMs: 600_000,
    })
    const built = await exec(process.execPath, [bin, 'build', 'main.ts'], {
      cwd: project,
      timeoutMs: 300_000,
    })
    check(
      built.stdout.trim() === 'Built the React side of Counter into .dara/ui',
      `dara build said:\n${tail(built.stdout + built.stderr)}`,
    )
    const dara = await startDara(process.execPath, project, 'main.ts', {
      NODE_ENV: 'production',
      DARA_JWT_SECRET: 'consumer-test-secret-0123456789-abcdefgh',
    })
    try {
      const ui = (await (await fetch(`${dara.url}/api/core/config`)).json()) as {
        title: string
        components: string
      }
      check(ui.title === 'Counter', `title ${ui.title}`)
      const registry = await fetch(`${dara.url}${ui.components}`)
      check(registry.status === 200, `GET ${ui.components}: ${registry.status}`)
      const chunk = /import\(`\.\/(counter-[\w-]+\.js)`\)/.exec(await registry.text())?.[1]
      check(chunk !== undefined, 'the registry imports the component')
      const code = await (await fetch(`${dara.url}/assets/app/${chunk}`)).text()
      check(code.includes('__DARA_SHARED__'), 'React comes from the UI')
      return `component chunk ${code.length} bytes`
    } finally {
      await dara.stop()
    }
  },
}

export const SETUP_STEPS: readonly Step[] = [
  {
    name: 'npm pack: the tarball holds dist/, bin/, templates/, LICENSE, README and CHANGELOG only',
    async run(ctx) {
      if (ctx.tarball !== undefined) return `reusing ${ctx.tarball}`
      const packed = await exec('npm', ['pack', '--json', '--pack-destination', ctx.root], {
        cwd: REPO,
        timeoutMs: 600_000,
      })
      // `npm pack` prints the build's output first; its JSON report is last.
      const report = JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('\n[') + 1)) as {
        filename: string
        size: number
        files: { path: string }[]
      }[]
      const [tarball] = report
      check(tarball !== undefined, `npm pack printed no report:\n${tail(packed.stdout)}`)
      const paths = tarball.files.map((file) => file.path)
      const stray = paths.filter(
        // The template is the user's own TypeScript, test included; the build is JavaScript.
        (path) =>
          !PACKED.test(path) ||
          (!path.startsWith('templates/') && /\.test\.|(?<!\.d)\.ts$/.test(path)),
      )
      check(stray.length === 0, `the tarball holds files a user does not need: ${stray.join(', ')}`)
      const missing = MUST_PACK.filter((path) => !paths.includes(path))
      check(missing.length === 0, `the tarball lacks ${missing.join(', ')}`)
      ctx.tarball = join(ctx.root, tarball.filename)
      return `${tarball.filename}, ${paths.length} files, ${Math.round(tarball.size / 1024)} kB`
    },
  },
  {
    name: 'npm install <tarball> zod in a fresh `npm init -y` project (CommonJS)',
    async run(ctx) {
      check(ctx.tarball !== undefined, 'no tarball')
      const note = await install(ctx.commonjs, ctx.tarball, 'commonjs')
      writeFileSync(join(ctx.commonjs, 'require-all.cjs'), REQUIRE_ALL)
      return note
    },
  },
  {
    name: 'npm install <tarball> zod in a fresh "type": "module" project',
    async run(ctx) {
      check(ctx.tarball !== undefined, 'no tarball')
      return install(ctx.module, ctx.tarball, 'module')
    },
  },
  {
    name: 'TypeScript 5.9, the config `tsc --init` writes: 0 errors',
    async run(ctx) {
      await initConfig(ctx, repoTsc, 'tsconfig.json')
      return typeCheck(repoTsc, ctx.module, 'tsconfig.json')
    },
  },
  {
    // Fastify's and pino's declarations, which the package's own refer to, need
    // Node's types, as in any TypeScript project on Node.
    name: 'TypeScript 5.9, module nodenext and strict, with @types/node: 0 errors',
    async run(ctx) {
      await exec('npm', ['install', '--no-audit', '--no-fund', '-D', '@types/node@20'], {
        cwd: ctx.module,
      })
      writeFileSync(join(ctx.module, 'tsconfig.strict.json'), STRICT_CONFIG)
      return typeCheck(repoTsc, ctx.module, 'tsconfig.strict.json')
    },
  },
  {
    name: 'TypeScript 7, the config its `tsc --init` writes, and nodenext strict: 0 errors',
    async run(ctx) {
      await exec(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefix', ctx.typescript7, 'typescript@7'],
        { cwd: ctx.root },
      )
      const tsc = join(ctx.typescript7, 'node_modules', 'typescript', 'bin', 'tsc')
      await initConfig(ctx, tsc, 'tsconfig.ts7.json')
      await typeCheck(tsc, ctx.module, 'tsconfig.strict.json')
      return typeCheck(tsc, ctx.module, 'tsconfig.ts7.json')
    },
  },
  {
    name: 'the app compiled by its own tsc to build/ (a .js entry for dara start)',
    async run(ctx) {
      await exec(process.execPath, [repoTsc, '-p', 'tsconfig.json', '--outDir', 'build'], {
        cwd: ctx.module,
      })
    },
  },
  {
    name: 'esbuild bundles the typed client for browsers with dara-ts/client alone',
    async run(ctx) {
      const result = await build({
        entryPoints: [join(ctx.module, 'client.ts')],
        absWorkingDir: ctx.module,
        bundle: true,
        platform: 'browser',
        format: 'esm',
        outfile: join(ctx.module, 'client.bundle.mjs'),
        metafile: true,
        logLevel: 'silent',
      })
      const inputs = Object.keys(result.metafile.inputs)
      const foreign = inputs.filter(
        (input) => input !== 'client.ts' && !input.startsWith('node_modules/dara-ts/dist/'),
      )
      check(foreign.length === 0, `the browser bundle pulled in ${foreign.join(', ')}`)
      const bytes = readFileSync(join(ctx.module, 'client.bundle.mjs')).length
      return `${inputs.length} inputs, ${Math.round(bytes / 1024)} kB`
    },
  },
  COMPONENT_STEP,
]

// No skipLibCheck: the package's declaration files are checked too.
const STRICT_CONFIG = `${JSON.stringify(
  {
    compilerOptions: { module: 'nodenext', strict: true, noEmit: true },
    include: ['*.ts'],
  },
  null,
  2,
)}\n`

export const NODE_STEPS: readonly NodeStep[] = [
  {
    name: 'npm install: no engine warnings',
    async run(ctx, { node }) {
      for (const project of [ctx.commonjs, ctx.module]) {
        const again = await exec(node, [npmCli(), 'install', '--no-audit', '--no-fund'], {
          cwd: project,
        })
        noEngineWarnings(again.stdout + again.stderr)
      }
    },
  },
  {
    name: 'plain node imports every public subpath (both projects)',
    async run(ctx, { node }) {
      for (const project of [ctx.commonjs, ctx.module]) {
        const result = await exec(node, ['import-all.mjs'], { cwd: project })
        checkNames(result.stdout, `import() in ${project}:`)
      }
    },
  },
  {
    name: 'require() of every public subpath (CommonJS project)',
    async run(ctx, { node }) {
      const result = await exec(node, ['require-all.cjs'], { cwd: ctx.commonjs })
      checkNames(result.stdout, 'require()')
    },
  },
  {
    name: 'dara-ts/testing: the compiled check.js passes in plain node',
    async run(ctx, { node }) {
      await exec(node, ['build/check.js'], { cwd: ctx.module })
    },
  },
  {
    name: 'dara start main.ts answers on 127.0.0.1 (CommonJS project), and the bundled client calls it',
    async run(ctx, { node }) {
      const dara = await startDara(node, ctx.commonjs, 'main.ts')
      try {
        await expectAnswer(`${dara.url}/api/public`, 200, hello('greeting.ts'))
        const client = await exec(
          node,
          [
            '--input-type=module',
            '-e',
            `import { greet } from ${JSON.stringify(join(ctx.module, 'client.bundle.mjs'))}
console.log(await greet(${JSON.stringify(dara.url)}))`,
          ],
          { cwd: ctx.module },
        )
        check(client.stdout.trim() === 'Hello, world', `the client said ${client.stdout}`)
      } finally {
        await dara.stop()
      }
    },
  },
  {
    name: 'dara start main.ts answers on 127.0.0.1 ("type": "module" project)',
    async run(ctx, { node }) {
      const dara = await startDara(node, ctx.module, 'main.ts')
      try {
        await expectAnswer(`${dara.url}/api/public`, 200, hello('greeting.ts'))
      } finally {
        await dara.stop()
      }
    },
  },
  {
    name: 'dara start build/main.js, the compiled app, answers on 127.0.0.1',
    async run(ctx, { node }) {
      const dara = await startDara(node, ctx.module, 'build/main.js')
      try {
        await expectAnswer(`${dara.url}/api/public`, 200, hello('greeting.js'))
      } finally {
        await dara.stop()
      }
    },
  },
  {
    name: 'tracing asked for without @opentelemetry/sdk-node: one coded error line, exit 1',
    async run(ctx, { node }) {
      const bin = join(ctx.module, 'node_modules', '.bin', 'dara')
      const result = await exec(node, [bin, 'start', 'main.ts', '--port', '0'], {
        cwd: ctx.module,
        env: { OTEL_TRACES_EXPORTER: 'console' },
        allowFailure: true,
        timeoutMs: 60_000,
      })
      const expected =
        'error DARA_ERR_TRACING_SDK_MISSING: OTEL_TRACES_EXPORTER=console asks for traces, but @opentelemetry/sdk-node is not installed. Install it beside dara-ts (npm install @opentelemetry/sdk-node), or unset the OTEL_* variables to run without tracing.'
      check(
        result.code === 1 && result.stderr.trim() === expected,
        `exit ${result.code}, stderr:\n${tail(result.stderr)}`,
      )
    },
  },
  {
    name: 'dara init writes an app that passes its own npm test, with the packed dara-ts',
    async run(ctx, { node, version }) {
      check(ctx.tarball !== undefined, 'no tarball')
      const dir = join(ctx.root, `init-app-${version}`)
      const bin = join(ctx.commonjs, 'node_modules', '.bin', 'dara')
      const init = await exec(node, [bin, 'init', dir], { cwd: ctx.root, timeoutMs: 60_000 })
      check(init.stdout.includes('npm install'), `dara init said:\n${tail(init.stdout)}`)
      // The package is not on the registry under test: the app gets the tarball.
      await exec(node, [npmCli(), 'install', '--no-audit', '--no-fund', ctx.tarball], {
        cwd: dir,
        timeoutMs: 600_000,
      })
      const result = await exec(node, [npmCli(), 'test'], {
        cwd: dir,
        allowFailure: true,
        timeoutMs: 300_000,
      })
      check(result.code === 0, `npm test of the app:\n${tail(result.stdout + result.stderr, 40)}`)
    },
  },
]
