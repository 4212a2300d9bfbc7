/**
 * Whether a file matches an `accept` list, as the server checks it
 * (src/components/accept.ts): `.ext`, `type/sub`, `type/*`, `*`.
 */
export function accepts(accept: string | null, name: string, type: string): boolean {
  if (accept === null) return true
  const lower = name.toLowerCase()
  const mime = type.toLowerCase().split(';', 1)[0]?.trim() ?? ''
  return accept
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '')
    .some((token) => {
      if (token === '*' || token === '*/*') return true
      if (token.startsWith('.')) return lower.endsWith(token)
      if (token.endsWith('/*')) return mime.startsWith(token.slice(0, -1))
      return mime === token
    })
}
