/**
 * A JSON object from text that another party or an older process wrote (a
 * token's segment, a stored session, a snapshot file), or undefined when the
 * text is not JSON or not an object: callers narrow each field before use.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  // JSON.parse gives an object only with string keys: a record is what it is.
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
