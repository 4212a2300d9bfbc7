// Lends the UI's React to the app's own components: their bundle imports
// `react` from here (see src/cli/build-components.ts in the package), so hooks
// and context work across both, and React is downloaded once.
import * as React from 'react'
import * as ReactDom from 'react-dom'
import * as JsxRuntime from 'react/jsx-runtime'
import type { SharedModule } from './shared-modules.ts'

declare global {
  var __DARA_SHARED__: Readonly<Record<SharedModule, object>> | undefined
}

globalThis.__DARA_SHARED__ = {
  react: React,
  'react/jsx-runtime': JsxRuntime,
  'react-dom': ReactDom,
}
