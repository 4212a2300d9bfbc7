// In a fresh `npm init -y` project ("type": "commonjs"), `dara start main.ts`
// exited with "Cannot require() ES Module .../main.ts in a cycle": tsx read the
// app's .ts files as CommonJS, as the project's package.json says. They load as
// ES modules now (src/cli/typescript-loader.ts). The consumer test
// (tests/consumer/) checks the same with the packed package.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startDara } from '../helpers/dara-process.ts'

void test('dara start loads a CommonJS project’s main.ts and its imports as ES modules', async (t) => {
  const app = await startDara(t, 'tests/fixtures/commonjs-app/main.ts')
  const res = await fetch(`${app.url}/api/hello`)
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { module: 'esm' })
  app.child.kill('SIGTERM')
  assert.deepEqual(await app.exited, { code: 0, signal: null })
})
