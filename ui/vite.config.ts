// Builds the UI into dist/ui, with components.json: the component types the
// React side renders, which the server checks every page against at start.
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
import { createRequire } from 'node:module'
import { COMPONENT_TYPES } from './src/component-types.ts'
import { SHARED_MODULES } from './src/shared-modules.ts'

const require = createRequire(import.meta.url)

function componentsManifest(): Plugin {
  return {
    name: 'dara-components-manifest',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'components.json',
        source: JSON.stringify([...COMPONENT_TYPES].sort()),
      })
      // The modules src/shared.ts lends to the app's own components, with their
      // export names: `dara build` turns each into a module that re-exports them.
      this.emitFile({
        type: 'asset',
        fileName: 'shared.json',
        source: JSON.stringify(
          Object.fromEntries(
            SHARED_MODULES.map((name) => [name, Object.keys(require(name) as object).sort()]),
          ),
        ),
      })
    },
  }
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  // `npx vite --config ui/vite.config.ts` serves the UI with hot reload; /api
  // goes to an app started with `dara start` on its default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  plugins: [react(), componentsManifest()],
})
