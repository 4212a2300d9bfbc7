import type { ComponentInstance } from './component-instance.ts'

/** One page of the app: its name in the menu, its url path, its content. */
export interface Page {
  readonly name: string
  /** Url-safe: lower-case letters, digits and dashes; the page answers at `/<path>`. */
  readonly path: string
  readonly content: ComponentInstance
}

/**
 * The url path of a page name: accents dropped, lower case, every run of
 * other characters turned into one dash. `'Données & Résultats'` gives
 * `'donnees-resultats'`; a name with no letter or digit gives `''`.
 */
export function pagePath(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** Whether `path` is a page path as pagePath() makes them. */
export function isPagePath(path: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(path) && path.length <= 100
}
