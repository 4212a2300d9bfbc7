// tsc rewrites `./x.ts` to `./x.js` in the JavaScript it emits
// (rewriteRelativeImportExtensions), but TypeScript 5.9 leaves `.ts` in the
// declaration files, and a project compiled without allowImportingTsExtensions
// cannot follow those. This rewrites them to the `.js` files beside the `.d.ts`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

const TS_EXTENSION = /\.([cm]?)tsx?$/

/**
 * The declaration text with every relative module specifier ending in `.ts`
 * (imports, exports, `import("...")` types) ending in `.js` instead. Comments
 * and bare specifiers are left as they are: ts.preProcessFile finds only the
 * specifiers the compiler would resolve.
 */
export function rewriteDeclaration(text: string): string {
  const { importedFiles } = ts.preProcessFile(text, true, true)
  let result = text
  // From the end, so that earlier positions stay valid.
  for (const file of [...importedFiles].sort((a, b) => b.pos - a.pos)) {
    const name = file.fileName
    if (!name.startsWith('./') && !name.startsWith('../')) continue
    if (!TS_EXTENSION.test(name)) continue
    // preProcessFile gives the position of the quote before the specifier.
    const start = result.indexOf(name, file.pos)
    if (start === -1 || start > file.pos + 1) {
      throw new Error(`cannot find the specifier ${name} at ${file.pos}`)
    }
    const rewritten = name.replace(TS_EXTENSION, (_match, kind: string) => `.${kind}js`)
    result = result.slice(0, start) + rewritten + result.slice(start + name.length)
  }
  return result
}

/** The relative `.ts` specifiers left in a declaration text; none once rewritten. */
export function tsSpecifiers(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((file) => file.fileName)
    .filter((name) => (name.startsWith('./') || name.startsWith('../')) && TS_EXTENSION.test(name))
}

function* declarationFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* declarationFiles(path)
    else if (entry.name.endsWith('.d.ts')) yield path
  }
}

/** Rewrites every declaration file under `dir`; returns how many it changed. */
export function rewriteDeclarations(dir: string): number {
  let changed = 0
  for (const path of declarationFiles(dir)) {
    const text = readFileSync(path, 'utf8')
    const rewritten = rewriteDeclaration(text)
    const left = tsSpecifiers(rewritten)
    if (left.length > 0) throw new Error(`${path} still imports ${left.join(', ')}`)
    if (rewritten !== text) {
      writeFileSync(path, rewritten)
      changed++
    }
  }
  return changed
}
