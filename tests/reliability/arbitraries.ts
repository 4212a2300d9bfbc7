// fast-check arbitraries for requests a careless or hostile client sends: wrong
// types, huge and deep JSON, prototype keys, bytes that are not UTF-8, content
// types that lie, duplicate headers, absurd paths.
import fc from 'fast-check'
import { TARGETS } from '../fixtures/every-route.ts'
import { multipartPayload } from './multipart-arbitraries.ts'

/** Path segments that have broken routers and parsers before. */
const NASTY_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F',
  '%00',
  'a%00b',
  '%',
  '%ZZ',
  '%ff',
  '%c0%ae',
  '%ed%a0%80',
  '%2F',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '9007199254740993',
  '0x10',
  ' 1',
  '1.5',
  '{id}',
  ':id',
  '*',
  ';',
  '1;x=y',
  '%E2%80%AE',
  '%F0%9F%92%A9',
]

const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -10, max: 2_000_000 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_SEGMENTS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom(101, 1000, 12_000).map((n) => 'a'.repeat(n)) },
)

/** A path: one of the app's routes with its parameter replaced, or something absurd. */
const path: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...TARGETS.map((t) => t.path)), segment)
      .map(([template, value]) => template.replace(/\{\w+\}/, value)),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(segment, { minLength: 0, maxLength: 6 })
      .chain((parts) =>
        fc.constantFrom(
          `/api/${parts.join('/')}`,
          `/${parts.join('/')}`,
          `/api//${parts.join('//')}/`,
        ),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/',
      '/api',
      '/api/',
      '//api/hello',
      '/api/hello/',
      '/API/HELLO',
      '/api/../api/hello',
      '/api/./hello',
      '/api/%2e%2e/etc/passwd',
      '/api/files/../../../../etc/passwd',
      '/api/files/..%2f..%2fetc%2fpasswd',
      '/api/hello%00.json',
      '/api/auth/session/../../hello',
      '/api/auth/user',
      '/api/core/anything',
      `/api/${'x'.repeat(70_000)}`,
    ),
  },
)

const QUERY_KEYS = [
  'verbose',
  'fields',
  'amount',
  '__proto__',
  '__proto__[polluted]',
  'constructor',
  'constructor[prototype][polluted]',
  'fields[]',
  'a[b][c][d][e]',
  '',
  '%00',
  'amount%00',
]

const queryValue = fc.oneof(
  fc.constantFrom('0', '1', '2', '', '-1', '1e309', 'NaN', 'true', '[]', '{}', '%00', '%'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
)

const query: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 8 })
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : '')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(2, 50, 2000).map((n) => `?fields=${'x&fields='.repeat(n)}x`),
  },
)

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const
/** The methods Fastify's inject() is typed to send. */
type Method = (typeof METHODS)[number]

function methodOf(route: { readonly method: string }): Method {
  const method = METHODS.find((m) => m === route.method)
  if (method === undefined) throw new Error(`the fuzz cannot send ${route.method}`)
  return method
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/json;',
  'application/vnd.api+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'multipart/form-data',
  'application/octet-stream',
  'application/xml',
  '',
  'garbage',
  '*/*',
  'application/json, text/plain',
  'application/json\tx',
]

/** A JSON text that is not what any route expects, by type, size, depth or keys. */
const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          name: fc.oneof(fc.string({ maxLength: 120 }), fc.integer(), fc.constant(null)),
          price: fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 5 }), fc.constant(-1)),
          tags: fc.oneof(fc.array(fc.string({ maxLength: 25 }), { maxLength: 12 }), fc.string()),
          meta: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.string()), fc.integer()),
          text: fc.oneof(fc.string({ maxLength: 1100 }), fc.boolean()),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1000, max: 20_000 }))
      .chain((depth) =>
        fc.constantFrom(
          `${'['.repeat(depth)}${']'.repeat(depth)}`,
          `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
          `${'['.repeat(depth)}`,
        ),
      ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"polluted":true},"name":"x","price":1}',
      '{"name":"x","price":1,"meta":{"__proto__":"p"}}',
      '{"constructor":{"prototype":{"polluted":true}},"name":"x","price":1}',
      '{"name":"x","price":1,"tags":[],"__proto__":null}',
      '{"text":"x","__proto__":{"text":"y"}}',
      '{"name":"x","name":"y","price":1}',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'null',
      '1e999999',
      '-0',
      '"\\ud800"',
      '"\\u0000"',
      '{"name":"x"',
      '{"name":"x",}',
      "{'name':'x'}",
      '\ufeff{"name":"x","price":1}',
      'NaN',
      '[1,2,3',
      `"${'x'.repeat(100_000)}"`,
    ),
  },
)

/** Bytes that are not valid UTF-8, alone or inside JSON. */
const invalidUtf8: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]),
    Buffer.from([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]),
    Buffer.from([0x22, 0xc0, 0xae, 0x22]),
  ),
)

/** Rare on purpose: each is over the 1 MiB body limit, and costly to build. */
const hugeBody = fc
  .constantFrom(1024 * 1024 + 1, 3 * 1024 * 1024)
  .map((n) => `{"name":"${'x'.repeat(n)}","price":1}`)

/** Form bodies (sent under any content type, like the rest): repeated, broken, hostile keys. */
const formText: fc.Arbitrary<string> = fc.oneof(
  // Generated keys and values, encoded or raw: '&', '=', '%' and '+' where they may not be.
  fc
    .array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), fc.boolean()), {
      maxLength: 12,
    })
    .map((pairs) =>
      pairs
        .map(([k, v, raw]) =>
          raw ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
        )
        .join('&'),
    ),
  fc
    .array(fc.tuple(fc.constantFrom('name', 'count', 'tag', '__proto__', 'x[y]', ''), queryValue), {
      maxLength: 8,
    })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  fc.constantFrom('name=%E0%A4%A&count=1', 'name', '&&&=&', `name=${'x'.repeat(5000)}`),
)

const body: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: formText },
  { weight: 12, arbitrary: jsonText },
  { weight: 2, arbitrary: invalidUtf8 },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constant('') },
)

export interface Credentials {
  /** A token the app issued. */
  readonly valid: string
  /** The session cookie the app set at login, `dara_session_token=...`. */
  readonly cookie: string
  /** A well formed token the app did not issue. */
  readonly foreign: string
}

const headerValue = fc.oneof(
  fc.constantFrom('editor', 'viewer', '"1"', '"12345"', 'W/"1"', '', '*'),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
)

/** Headers: a content type that may lie, credentials good or bad, some sent twice. */
function headers(credentials: Credentials) {
  const authorization = fc.constantFrom(
    undefined,
    `Bearer ${credentials.valid}`,
    `Bearer ${credentials.valid}`,
    `Bearer ${credentials.foreign}`,
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    `Bearer ${credentials.valid}x`,
  )
  return fc
    .record({
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
      authorization,
      role: fc.option(headerValue, { nil: undefined }),
      ifMatch: fc.option(headerValue, { nil: undefined }),
      tag: fc.option(headerValue, { nil: undefined }),
      cookie: fc.constantFrom(
        undefined,
        undefined,
        credentials.cookie,
        `${credentials.cookie}x`,
        'dara_session_token=',
        'dara_session_token=../../etc/passwd; dara_session_token=x',
        `dara_session_token=${credentials.valid}`,
        '__proto__=1; constructor=2',
        'theme=blue',
        'theme=%E0%A4%A; theme=dark',
        `theme=${'x'.repeat(3000)}`,
        'theme',
        '=dark; ; theme==light',
        'theme="dark"; theme=dark',
        `${'a=1; '.repeat(300)}theme=dark`,
      ),
      // Generated cookie headers, 1 in 4: names and values of any printable characters.
      generatedCookie: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc
            .array(
              fc.tuple(
                fc.string({ maxLength: 12 }).filter((s) => /^[\x21-\x7e]*$/.test(s)),
                fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
              ),
              { maxLength: 8 },
            )
            .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; ')),
        },
      ),
      origin: fc.constantFrom(
        undefined,
        undefined,
        'http://localhost',
        'https://evil.example',
        'null',
      ),
      twice: fc.subarray(['content-type', 'authorization', 'if-match', 'x-role'] as const),
    })
    .map((h) => {
      const out: Record<string, string | string[]> = {}
      if (h.contentType !== undefined) out['content-type'] = h.contentType
      if (h.authorization !== undefined) out['authorization'] = h.authorization
      if (h.role !== undefined) out['x-role'] = h.role
      if (h.ifMatch !== undefined) out['if-match'] = h.ifMatch
      if (h.tag !== undefined) out['x-request-tag'] = h.tag
      const cookie = h.generatedCookie ?? h.cookie
      if (cookie !== undefined) out['cookie'] = cookie
      if (h.origin !== undefined) out['origin'] = h.origin
      for (const name of h.twice) {
        const value = out[name]
        if (typeof value === 'string')
          out[name] = [value, name === 'x-role' ? 'viewer' : 'text/plain']
      }
      return out
    })
}

export interface GeneratedRequest {
  readonly method: Method
  readonly url: string
  readonly headers: Record<string, string | string[]>
  readonly payload: string | Buffer | undefined
}

/** A body the route's schema accepts: requests that get past validation, to reach the handlers. */
const validBody = fc.oneof(
  fc
    .record({
      name: fc.string({ minLength: 1, maxLength: 100 }),
      price: fc.double({ min: 0, max: 1e6, noNaN: true }),
      tags: fc.array(fc.string({ maxLength: 20 }), { maxLength: 10 }),
    })
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 1000 }).map((text) => JSON.stringify({ text })),
)

const target = fc.constantFrom(...TARGETS)

/** One request a careless or hostile client might send to the every-route app. */
export function request(credentials: Credentials): fc.Arbitrary<GeneratedRequest> {
  return target.chain((route) =>
    fc
      .record({
        method: fc.oneof(
          { weight: 5, arbitrary: fc.constant(methodOf(route)) },
          { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
        ),
        path: fc.oneof(
          { weight: 2, arbitrary: fc.constant(route.path.replace(/\{\w+\}/, '1')) },
          { weight: 3, arbitrary: segment.map((value) => route.path.replace(/\{\w+\}/, value)) },
          { weight: 1, arbitrary: path },
        ),
        query,
        headers: headers(credentials),
        json: fc.boolean(),
        // 1 in 500 requests: a body past the size limit.
        payload: fc.oneof(
          { weight: 200, arbitrary: validBody },
          { weight: 299, arbitrary: body },
          { weight: 1, arbitrary: hugeBody },
        ),
        // The routes that take files get a multipart body most of the time; the others, 1 in 50.
        multipart: fc.oneof(
          {
            weight:
              route.path === '/api/reports' || route.path === '/api/core/data/upload' ? 1 : 49,
            arbitrary: fc.constant(undefined),
          },
          {
            weight: route.path === '/api/reports' || route.path === '/api/core/data/upload' ? 3 : 1,
            arbitrary: multipartPayload,
          },
        ),
        // 1 in 20: the route's own method and path, a valid token and a JSON
        // content type, so that the generated bodies reach its handler.
        wellFormed: fc.oneof(
          { weight: 19, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
        valid: validBody,
      })
      .map(
        ({
          method: m,
          path: p,
          query,
          headers,
          json,
          payload: given,
          multipart,
          wellFormed,
          valid,
        }) => {
          let payload: string | Buffer | undefined = given
          let method = m
          let path = p
          if (wellFormed) {
            method = methodOf(route)
            path = route.path.replace(/\{\w+\}/, '1')
            headers = {
              authorization: `Bearer ${credentials.valid}`,
              'content-type': 'application/json',
            }
            payload = valid
          }
          if (multipart) {
            headers['content-type'] = multipart.contentType
            payload = multipart.payload
          }
          if (json && headers['content-type'] === undefined)
            headers['content-type'] = 'application/json'
          return {
            method,
            url: path + query,
            headers,
            payload: method === 'HEAD' ? undefined : payload,
          }
        },
      ),
  )
}
