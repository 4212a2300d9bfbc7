#!/usr/bin/env node
// The CLI is written in TypeScript, as are the apps it runs: tsx compiles both on the fly.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
