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
  plugins: [react(), componentsManifest()],
})
