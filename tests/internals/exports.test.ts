// Every subpath in package.json's exports resolves and exports something, and
// each names its TypeScript source (the dara-ts-source condition, which this
// repository runs) and the compiled files beside each other in dist/. The
// consumer test (tests/consumer/) installs the packed package and proves the
// compiled side.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { PUBLIC_NAMES as EXPECTED } from '../helpers/public-api.ts'

type Conditions = Record<string, string>
interface Manifest {
  readonly name: string
  readonly exports: Record<string, string | Conditions>
  readonly imports: Record<string, Conditions>
}
const manifest = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as Manifest

void test('the exports map holds exactly the public subpaths', () => {
  assert.deepEqual(
    Object.keys(manifest.exports).sort(),
    [...Object.keys(EXPECTED), './package.json'].sort(),
  )
})

/** The conditions of an entry: its source first, then what a user's Node and tsc resolve, in dist/. */
function compiled(source: string): Conditions {
  const out = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '')
  return {
    'dara-ts-source': source,
    types: `${out}.d.ts`,
    import: `${out}.js`,
    default: `${out}.js`,
  }
}

void test('each entry is its source under dara-ts-source, else the compiled file in dist/', () => {
  for (const [subpath, entry] of Object.entries(manifest.exports)) {
    if (subpath === './package.json') continue
    assert.ok(typeof entry === 'object', `${subpath} has conditions`)
    const source = entry['dara-ts-source'] ?? ''
    assert.ok(source.startsWith('./src/'), `${subpath} names its source`)
    // Order matters: Node and tsc take the first condition they know.
    assert.deepEqual(Object.entries(entry), Object.entries(compiled(source)), subpath)
    assert.ok(existsSync(new URL(`../../${source}`, import.meta.url)), source)
  }
  const cli = manifest.imports['#cli']
  assert.deepEqual(cli, { 'dara-ts-source': './src/cli/main.ts', default: './dist/cli/main.js' })
})

void test('this repository runs the source: dara-ts resolves to src/', () => {
  assert.equal(import.meta.resolve('dara-ts'), new URL('../../src/index.ts', import.meta.url).href)
})

for (const [subpath, names] of Object.entries(EXPECTED)) {
  void test(`${subpath} resolves by name and exports its public names`, async () => {
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`
    const module = (await import(specifier)) as Record<string, unknown>
    for (const name of names)
      assert.notEqual(module[name], undefined, `${specifier} exports ${name}`)
  })
}
