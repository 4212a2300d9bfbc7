import type { FastifyInstance } from 'fastify'
import { DaraError } from '../errors.ts'

const OPEN_OBJECT = 0x7b // {
const OPEN_ARRAY = 0x5b // [
const CLOSE_OBJECT = 0x7d // }
const CLOSE_ARRAY = 0x5d // ]
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \

/**
 * Whether a JSON text nests deeper than `max`. One pass over the characters,
 * skipping strings; far cheaper than the parse it guards, and it runs only on
 * bodies long enough to nest that deep at all.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= max * 2) return false
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i)
        if (s === BACKSLASH) i++
        else if (s === QUOTE) break
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--
    }
  }
  return false
}

/**
 * Fastify's JSON parser (it refuses `__proto__` and `constructor.prototype` keys
 * with 400) behind a depth check: a body that is valid JSON but nested thousands
 * deep would parse, then overflow the stack of whatever walks it (a schema, the
 * serializer, the app) and turn into a 500.
 */
export function guardJsonDepth(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    function parseJson(request, body, done) {
      // parseAs: 'string' hands a string; the check keeps the types honest without a cast.
      const text = typeof body === 'string' ? body : body.toString('utf8')
      if (nestsDeeperThan(text, maxDepth)) {
        done(new DaraError('DARA_ERR_JSON_TOO_DEEP', maxDepth), undefined)
        return
      }
      void parse(request, text, done)
    },
  )
}
