import type { FastifyInstance } from 'fastify'

/** The media type of an HTML form's default body. */
export const FORM_TYPE = 'application/x-www-form-urlencoded'

/**
 * An `application/x-www-form-urlencoded` body as an object, as a query string
 * is parsed: one string per key, a list for a repeated key. No prototype, so a
 * field named `__proto__` is a plain entry.
 */
export function parseForm(text: string): Record<string, string | string[]> {
  const fields = Object.create(null) as Record<string, string | string[]>
  for (const [key, value] of new URLSearchParams(text)) {
    const known = fields[key]
    if (known === undefined) fields[key] = value
    else if (Array.isArray(known)) known.push(value)
    else fields[key] = [known, value]
  }
  return fields
}

/**
 * Parses form bodies for every route (within the body limit), so a route's
 * `body` schema validates an HTML form as it does JSON.
 */
export function registerFormBody(app: FastifyInstance): void {
  app.addContentTypeParser(FORM_TYPE, { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(typeof body === 'string' ? body : body.toString('utf8')))
  })
}
