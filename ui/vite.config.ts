// Builds the UI into dist/ui, with components.json: the component types the
// React side renders, which the server checks every page against at start.
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
import { COMPONENT_TYPES } from './src/component-types.ts'

function componentsManifest(): Plugin {
  return {
    name: 'dara-components-manifest',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'components.json',
        source: JSON.stringify([...COMPONENT_TYPES].sort()),
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
