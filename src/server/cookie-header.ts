/**
 * The cookies of a `Cookie` header by name, their values URL-decoded where they
 * were encoded. A name sent twice keeps its first value, as browsers send the
 * most specific cookie first. No prototype, so a cookie named `__proto__` is a
 * plain entry.
 */
export function parseCookies(header: string | undefined): Readonly<Record<string, string>> {
  // Most requests send none: one shared empty map, not a new one per request.
  if (!header) return NO_COOKIES
  const cookies = Object.create(null) as Record<string, string>
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const name = pair.slice(0, eq).trim()
    if (name === '' || name in cookies) continue
    let value = pair.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1)
    cookies[name] = decode(value)
  }
  return cookies
}

const NO_COOKIES: Readonly<Record<string, string>> = Object.freeze(
  Object.create(null) as Record<string, string>,
)

function decode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
