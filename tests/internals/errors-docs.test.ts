// docs/errors.md documents every code of src/errors.ts, and no other.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { ERRORS } from '../../src/errors.ts'

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
const documented = new Set([...docs.matchAll(/^\| `(DARA_ERR_[A-Z_]+)` +\|/gm)].map((m) => m[1]))

void test('every error code has a row in docs/errors.md', () => {
  const missing = Object.keys(ERRORS).filter((code) => !documented.has(code))
  assert.deepEqual(missing, [])
})

void test('docs/errors.md names no code that does not exist', () => {
  const dead = [...documented].filter((code) => code !== undefined && !(code in ERRORS))
  assert.deepEqual(dead, [])
})

void test('every documented status matches the table', () => {
  for (const [code, row] of Object.entries(ERRORS)) {
    const line = docs.split('\n').find((l) => new RegExp(`^\\| \`${code}\` +\\|`).test(l))
    const status = line?.split('|')[2]?.trim()
    // 500 is a start-time error, or (said as 500) the app's own fault found at request time.
    const expected = row.status === 500 ? ['start', '500'] : [String(row.status)]
    assert.ok(expected.includes(status ?? ''), `${code}: ${status}`)
  }
})
