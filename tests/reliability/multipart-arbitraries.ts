// Generated multipart bodies for the routes that take files (a custom route's
// `files`, and the upload route): good parts and bad ones, a boundary that is
// missing, wrong or malformed, parts cut short, huge text fields, unknown
// and hostile field names, too many files. Each comes with the content type it
// is sent under, since the boundary lives there.
import fc from 'fast-check'

export interface MultipartPayload {
  readonly contentType: string
  readonly payload: Buffer
}

interface GeneratedPart {
  readonly name: string
  readonly filename: string | undefined
  readonly type: string | undefined
  readonly content: string
}

const FIELD_NAMES = [
  'report',
  'images',
  'data',
  'title',
  'year',
  'resolver_id',
  'other',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '',
  'a"b',
  'name\\u0000',
]

const FILENAMES = ['q3.csv', 'a.png', '../../etc/passwd', 'x.exe', '', 'ünïcode.csv', 'a\\b.csv']

const TYPES = ['text/csv', 'image/png', 'application/octet-stream', 'text/plain', '', 'garbage']

const CONTENTS = fc.oneof(
  fc.constantFrom('a,b\n1,2\n', 'a,b\n1\n', '"a\n', 'title', '2026', 'home:0.0', ''),
  fc.string({ maxLength: 200 }),
  // Past a file's maxSize (64 KiB for a report, 16 KiB for an image).
  fc.constantFrom(70 * 1024, 20 * 1024).map((n) => 'x'.repeat(n)),
)

const part: fc.Arbitrary<GeneratedPart> = fc.record({
  name: fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 10 })),
  filename: fc.option(fc.constantFrom(...FILENAMES), { nil: undefined, freq: 2 }),
  type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }),
  content: CONTENTS,
})

/** Rare on purpose: a text field over the 1 MiB body limit. */
const hugeField: GeneratedPart = {
  name: 'title',
  filename: undefined,
  type: undefined,
  content: 'x'.repeat(1024 * 1024 + 1),
}

/** The parts a well-behaved client sends to /api/reports, so that some get through. */
const goodParts: GeneratedPart[] = [
  { name: 'report', filename: 'q3.csv', type: 'text/csv', content: 'a,b\n1,2\n' },
  { name: 'title', filename: undefined, type: undefined, content: 'Q3' },
]

function encode(parts: readonly GeneratedPart[], boundary: string): Buffer {
  const chunks: string[] = []
  for (const p of parts) {
    const disposition =
      p.filename === undefined
        ? `form-data; name="${p.name}"`
        : `form-data; name="${p.name}"; filename="${p.filename}"`
    chunks.push(
      `--${boundary}\r\nContent-Disposition: ${disposition}\r\n` +
        (p.type === undefined ? '' : `Content-Type: ${p.type}\r\n`) +
        `\r\n${p.content}\r\n`,
    )
  }
  chunks.push(`--${boundary}--\r\n`)
  return Buffer.from(chunks.join(''))
}

/** One multipart body and its content type, well formed or not. */
export const multipartPayload: fc.Arbitrary<MultipartPayload> = fc
  .record({
    parts: fc.oneof(
      { weight: 3, arbitrary: fc.constant(goodParts) },
      { weight: 6, arbitrary: fc.array(part, { maxLength: 6 }) },
      { weight: 2, arbitrary: fc.array(part, { maxLength: 3 }).map((p) => [...goodParts, ...p]) },
      // Many files under one name, past what a field takes.
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 2, max: 120 })
          .map((n) => Array.from({ length: n }, () => goodParts[0] as GeneratedPart)),
      },
      { weight: 1, arbitrary: fc.constant([hugeField, ...goodParts]) },
    ),
    boundary: fc.constantFrom('----dara-fuzz', 'x', 'a'.repeat(70), '----dara-fuzz'),
    header: fc.constantFrom('same', 'same', 'same', 'same', 'other', 'none', 'quoted', 'empty'),
    cut: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
    ),
    garbage: fc.oneof(
      { weight: 8, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom('--', '\r\n\r\n', 'preamble\r\n', '\x00\xff') },
    ),
  })
  .map(({ parts, boundary, header, cut, garbage }) => {
    let payload = Buffer.concat([Buffer.from(garbage, 'latin1'), encode(parts, boundary)])
    // A body cut short: the closing boundary, or part of a part, never comes.
    if (cut !== undefined) payload = payload.subarray(0, Math.floor(payload.length * cut))
    const contentType = {
      same: `multipart/form-data; boundary=${boundary}`,
      other: 'multipart/form-data; boundary=----not-the-one',
      none: 'multipart/form-data',
      quoted: `multipart/form-data; boundary="${boundary}"`,
      empty: 'multipart/form-data; boundary=',
    }[header]
    return { contentType, payload }
  })
