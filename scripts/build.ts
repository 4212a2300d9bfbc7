// `npm run build` (run by `prepare`, so by `npm install`, `npm pack` and
// `npm publish`): the package as it is published, in dist/.
//   dist/**/*.js, *.d.ts, *.js.map   the framework (src/ without its tests), ESM
//   dist/swagger-ui/                 the Swagger UI files the docs page serves
//   dist/ui/                         the React UI (ui/, built by Vite)
// Tests and `npm start` run src/ itself (the dara-ts-source condition): only the
// packed package and the cold-start bench need this build.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { rewriteDeclarations } from './build/declarations.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(ROOT, 'dist')
const require = createRequire(import.meta.url)

/**
 * What the docs page loads, with the licence files that must travel with them
 * (Apache-2.0; the bundle's own third-party notices). Copied so that an app's
 * install does not pull swagger-ui-dist, whose postinstall sends install telemetry.
 */
const SWAGGER_UI_FILES = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-bundle.js.LICENSE.txt',
  'favicon-32x32.png',
  'LICENSE',
  'NOTICE',
]

function step(label: string): void {
  console.log(`build: ${label}`)
}

rmSync(DIST, { recursive: true, force: true })

step('compiling src/ to dist/ (tsc -p tsconfig.build.json)')
const tsc = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
  { stdio: 'inherit' },
)
if (tsc.status !== 0) throw new Error(`tsc exited with ${tsc.status ?? tsc.signal}`)
const rewritten = rewriteDeclarations(DIST)
step(`declaration files: .ts specifiers rewritten to .js in ${rewritten} files`)

step('copying the Swagger UI files to dist/swagger-ui/')
const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'))
mkdirSync(join(DIST, 'swagger-ui'))
for (const file of SWAGGER_UI_FILES) {
  copyFileSync(join(swaggerUi, file), join(DIST, 'swagger-ui', file))
}

step('building the UI to dist/ui/ (vite)')
await build({ configFile: join(ROOT, 'ui', 'vite.config.ts') })
