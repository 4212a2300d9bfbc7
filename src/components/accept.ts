/**
 * Whether a file matches an `accept` list as `<input accept>` reads it:
 * `.ext` matches the name's end, `type/sub` the content type, `type/*` any
 * subtype, `*` or `*\/*` anything. No list accepts anything.
 */
export function accepts(accept: string | undefined, filename: string, mimetype: string): boolean {
  if (accept === undefined) return true
  const name = filename.toLowerCase()
  const type = mimetype.toLowerCase().split(';', 1)[0]?.trim() ?? ''
  return accept
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '')
    .some((token) => {
      if (token === '*' || token === '*/*') return true
      if (token.startsWith('.')) return name.endsWith(token)
      if (token.endsWith('/*')) return type.startsWith(token.slice(0, -1))
      return type === token
    })
}
