#!/usr/bin/env node
// Runs the compiled CLI (dist/cli/main.js): no TypeScript loader unless the app
// entry is TypeScript. In this repository, under --conditions=dara-ts-source
// (set by .npmrc for npm scripts and npx), `#cli` is the CLI's TypeScript
// source instead, run through tsx.
const cli = import.meta.resolve('#cli')
if (cli.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(cli)
