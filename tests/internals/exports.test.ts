// Every subpath in package.json's exports resolves and exports something, and
// each names an entry file that exists.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'

interface Manifest {
  readonly name: string
  readonly exports: Record<string, string | { types: string; default: string }>
}
const manifest = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as Manifest

const EXPECTED: Record<string, readonly string[]> = {
  '.': ['ConfigurationBuilder', 'createApp', 'DaraError'],
  './http': ['get', 'post', 'put', 'patch', 'del', 'delete', 'ApiRoute', 'HttpError', 'dependency'],
  './definitions': ['EndpointConfiguration', 'ComponentInstance', 'ApiRoute'],
  './auth': [
    'USER',
    'SESSION',
    'AuthConfig',
    'DefaultAuthConfig',
    'BasicAuthConfig',
    'MultiBasicAuthConfig',
    'hashPassword',
    'verifyPassword',
    'MemorySessionStore',
    'RedisSessionStore',
    'SESSION_COOKIE',
  ],
  './client': ['createClient', 'ResponseError', 'HttpError'],
  './components': [
    'Stack',
    'Card',
    'Heading',
    'Text',
    'Button',
    'UploadDropzone',
    'refresh',
    'navigate',
  ],
  './endpoints': ['upload'],
}

void test('the exports map holds exactly the public subpaths', () => {
  assert.deepEqual(
    Object.keys(manifest.exports).sort(),
    [...Object.keys(EXPECTED), './package.json'].sort(),
  )
})

for (const [subpath, names] of Object.entries(EXPECTED)) {
  void test(`${subpath} resolves by name and exports its public names`, async () => {
    const entry = manifest.exports[subpath]
    assert.ok(entry && typeof entry === 'object', `${subpath} has types and default`)
    assert.ok(existsSync(new URL(`../../${entry.types}`, import.meta.url)), entry.types)
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`
    const module = (await import(specifier)) as Record<string, unknown>
    for (const name of names)
      assert.notEqual(module[name], undefined, `${specifier} exports ${name}`)
  })
}
