import { lstatSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { DaraError } from '../errors.ts'

/** A file of a new app: its name there, the template it is copied from, and what it is for. */
interface AppFile {
  readonly name: string
  readonly template?: string
  readonly about: string
}

const FILES: readonly AppFile[] = [
  { name: 'package.json', about: 'scripts dev, start, test and typecheck' },
  {
    name: 'main.ts',
    template: 'main.ts',
    about: 'a public and an authenticated endpoint, and a configuration',
  },
  { name: 'main.test.ts', template: 'main.test.ts', about: 'their test, with dara-ts/testing' },
  { name: 'tsconfig.json', template: 'tsconfig.json', about: 'strict, module nodenext' },
  // npm leaves every file named .gitignore out of a published package: the template drops the dot.
  { name: '.gitignore', template: 'gitignore', about: 'node_modules/ and .dara/' },
]

const Dependencies = z.record(z.string(), z.string()).optional()
/** The fields of dara-ts's own package.json that a new app's is made from. */
const PackageJson = z.object({
  name: z.string(),
  version: z.string(),
  dependencies: Dependencies,
  devDependencies: Dependencies,
  peerDependencies: Dependencies,
})
type PackageJson = z.infer<typeof PackageJson>

/**
 * The folder of the dara-ts package that runs this code, found by walking up:
 * the same from its sources and from a build of them.
 */
function packageRoot(): { root: string; manifest: PackageJson } {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    let found: unknown
    try {
      found = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    } catch {
      // No package.json here, or not one to read: keep walking up.
    }
    const manifest = PackageJson.safeParse(found).data
    if (manifest?.name === 'dara-ts') return { root: dir, manifest }
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the package.json of dara-ts')
    dir = parent
  }
}

/** The version range dara-ts itself asks for `name`, so a new app gets what dara-ts is tested with. */
function rangeOf(manifest: PackageJson, name: string): string {
  const range =
    manifest.peerDependencies?.[name] ??
    manifest.dependencies?.[name] ??
    manifest.devDependencies?.[name]
  if (range === undefined) throw new Error(`dara-ts's package.json names no version of ${name}`)
  return range
}

/** An npm package name made from the folder's: lower case, other characters as dashes. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[-._~]+|-+$/g, '')
    .slice(0, 214)
  return name || 'dara-app'
}

function packageJson(name: string, manifest: PackageJson): string {
  const app = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      dev: 'dara start main.ts --reload',
      start: 'dara start main.ts',
      test: 'tsx --test main.test.ts',
      typecheck: 'tsc',
    },
    dependencies: { 'dara-ts': `^${manifest.version}`, zod: rangeOf(manifest, 'zod') },
    devDependencies: {
      '@types/node': rangeOf(manifest, '@types/node'),
      tsx: rangeOf(manifest, 'tsx'),
      typescript: rangeOf(manifest, 'typescript'),
    },
  }
  return `${JSON.stringify(app, null, 2)}\n`
}

/** Why a folder cannot be written, in words, from a file system error. */
function reason(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EROFS':
      return 'the file system is read-only'
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder'
    case 'ENOENT':
      return 'no folder can be made there'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

/**
 * Creates `target` and the folders above it that are missing, one by one, and
 * returns the first one created. Not mkdirSync's `recursive`: on Node 20 it
 * spins forever on a path such as /proc/x, where mkdir answers ENOENT.
 */
function makeFolders(target: string): string | undefined {
  const missing: string[] = []
  let dir = target
  while (!statSync(dir, { throwIfNoEntry: false })) {
    missing.unshift(dir)
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  for (const folder of missing) mkdirSync(folder)
  return missing[0]
}

/** `dir` as the user would type it after `cd`. */
function shellWord(dir: string): string {
  return /^[\w./-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, `'\\''`)}'`
}

/**
 * `dara init [dir]`: writes a new app into `dir` (created if needed), or
 * nothing at all when any of its files is already there.
 */
export function init(given?: string): void {
  const dir = given || '.'
  const target = resolve(dir)
  const where = dir === '.' ? 'this folder' : dir
  let taken: readonly AppFile[]
  try {
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new DaraError('DARA_ERR_INIT_DIR', where, 'it is a file, not a folder')
    }
    // lstat: a dangling symlink is taken too, and writing through it would land elsewhere.
    taken = FILES.filter((file) => lstatSync(join(target, file.name), { throwIfNoEntry: false }))
  } catch (error) {
    if (error instanceof DaraError) throw error
    throw new DaraError('DARA_ERR_INIT_DIR', where, reason(error))
  }
  if (taken.length > 0) {
    throw new DaraError('DARA_ERR_INIT_EXISTS', where, taken.map((file) => file.name).join(', '))
  }
  const { root, manifest } = packageRoot()
  const contents = FILES.map((file) =>
    file.template === undefined
      ? packageJson(packageName(target), manifest)
      : readFileSync(join(root, 'templates', 'app', file.template), 'utf8'),
  )

  let created: string | undefined
  const written: string[] = []
  let writing = ''
  try {
    created = makeFolders(target)
    FILES.forEach((file, i) => {
      writing = file.name
      // 'wx': a file that appeared since the check above is not overwritten either.
      writeFileSync(join(target, file.name), contents[i] ?? '', { flag: 'wx' })
      written.push(join(target, file.name))
    })
  } catch (error) {
    // All or nothing: take back what this run wrote.
    for (const path of written) rmSync(path, { force: true })
    if (created !== undefined) rmSync(created, { recursive: true, force: true })
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      throw new DaraError('DARA_ERR_INIT_EXISTS', where, writing)
    }
    throw new DaraError('DARA_ERR_INIT_DIR', where, reason(error))
  }

  const width = Math.max(...FILES.map((file) => file.name.length)) + 2
  const next = dir === '.' ? '' : `cd ${shellWord(dir)} && `
  console.log(
    [
      `Created a dara-ts app in ${where}:`,
      ...FILES.map((file) => `  ${file.name.padEnd(width)}${file.about}`),
      '',
      'Next:',
      `  ${next}npm install && npm run dev`,
    ].join('\n'),
  )
}
