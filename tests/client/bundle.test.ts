// The client bundles for browsers on its own: no node: module, no server code.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bundleClient } from '../helpers/bundle.ts'

void test('dara-ts/client bundles for the browser from the client and HttpError alone', async () => {
  const { code, inputs } = await bundleClient()
  assert.deepEqual(inputs, [
    'src/client/create-client.ts',
    'src/client/index.ts',
    'src/client/response-error.ts',
    'src/http/http-error.ts',
  ])
  assert.doesNotMatch(code, /require\(|node:/)
})
