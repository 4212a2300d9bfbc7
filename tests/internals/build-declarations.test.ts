// The build's rewrite of declaration files (scripts/build/declarations.ts):
// relative `.ts` specifiers become `.js`, wherever tsc leaves them; nothing
// else changes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rewriteDeclaration, tsSpecifiers } from '../../scripts/build/declarations.ts'

const BEFORE = `import { ComponentInstance } from '../definitions/component-instance.ts';
import type { Action } from "./actions.ts";
export { get, post } from './methods.ts';
export * from './types.mts';
/**
 * @example
 * import { config } from './main.ts'
 */
export declare const upload: import("../http/api-route.ts").ApiRoute<"POST", "/up", {
    readonly query: import("zod").ZodObject<{}>;
}>;
export type { Readable } from 'node:stream';
`

const AFTER = `import { ComponentInstance } from '../definitions/component-instance.js';
import type { Action } from "./actions.js";
export { get, post } from './methods.js';
export * from './types.mjs';
/**
 * @example
 * import { config } from './main.ts'
 */
export declare const upload: import("../http/api-route.js").ApiRoute<"POST", "/up", {
    readonly query: import("zod").ZodObject<{}>;
}>;
export type { Readable } from 'node:stream';
`

void test('relative .ts specifiers become .js; comments, packages and node: builtins stay', () => {
  assert.equal(rewriteDeclaration(BEFORE), AFTER)
})

void test('tsSpecifiers lists what is left to rewrite, and nothing once rewritten', () => {
  assert.deepEqual(tsSpecifiers(BEFORE), [
    '../definitions/component-instance.ts',
    './actions.ts',
    './methods.ts',
    './types.mts',
    '../http/api-route.ts',
  ])
  assert.deepEqual(tsSpecifiers(AFTER), [])
})
