#!/usr/bin/env node
// Runs the compiled CLI (dist/cli/main.js): no TypeScript loader unless the app
// entry is TypeScript. In this repository, under --conditions=dara-ts-source
// (set by .npmrc for npm scripts and npx), `#cli` is the CLI's TypeScript
// source instead, run through tsx, with the app-module hook registered first
// as src/cli/typescript-loader.ts does for a user's app.
import module from 'node:module'
import { registerAppModuleHook } from './app-modules.js'

// Node 22.1+ keeps V8's compiled code of the modules it loads on disk (in the
// OS's temporary folder, or NODE_COMPILE_CACHE), so that a restart skips most
// of the compiling. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.()

const cli = import.meta.resolve('#cli')
if (cli.endsWith('.ts')) {
  registerAppModuleHook()
  const { register } = await import('tsx/esm/api')
  register()
}
await import(cli)
