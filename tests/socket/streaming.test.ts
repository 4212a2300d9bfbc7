// Streaming responses read by a real client over a socket: Server-Sent Events in
// order with heartbeats, USER right inside the producer, cleanup after the last
// event, a disconnect that stops the producer, and backpressure.
import assert from 'node:assert/strict'
import { request, type IncomingMessage } from 'node:http'
import { test, type TestContext } from 'node:test'
import { ConfigurationBuilder } from 'dara-ts'
import { USER } from 'dara-ts/auth'
import { dependency, get, sse } from 'dara-ts/http'
import { NamedAuth, bearer, buildApp, login } from '../helpers/auth.ts'

/** Listens on a free loopback port; returns the base url and a token for `ada`. */
async function listen(t: TestContext, config: ConfigurationBuilder) {
  config.addAuth(new NamedAuth())
  const app = buildApp(t, config)
  const token = await login(app, { name: 'ada' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  return { base: `http://127.0.0.1:${address.port}`, token }
}

/** Opens a GET and resolves with the response as soon as its headers arrive. */
function open(url: string, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request(url, { headers: bearer(token) }, resolve)
      .on('error', reject)
      .end()
  })
}

/** Reads the response as text until `until(text)` holds; the response stays open. */
function readUntil(res: IncomingMessage, until: (text: string) => boolean, seen = { text: '' }) {
  res.setEncoding('utf8')
  return new Promise<string>((resolve, reject) => {
    if (until(seen.text)) return resolve(seen.text)
    const onData = (data: string): void => {
      seen.text += data
      if (until(seen.text)) {
        res.off('data', onData)
        resolve(seen.text)
      }
    }
    res.on('data', onData)
    res.once('end', () => resolve(seen.text))
    res.once('error', reject)
  })
}

/** A promise with its resolve function, to let the test and a producer take turns. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

void test('sse(): events in order, a heartbeat while quiet, USER in the producer, cleanup after the last event', async (t) => {
  const order: string[] = []
  const heartbeatSeen = signal()
  const cleaned = signal()
  const resource = dependency(({ onCleanup }) => {
    onCleanup(() => {
      order.push(`cleanup as ${USER.get()?.identityId}`)
      cleaned.resolve()
    })
    return 'db'
  })
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/events', { inject: { resource } }, ({ resource: db }) =>
      sse(
        (async function* () {
          try {
            yield { event: 'greeting', id: '1', data: { user: USER.get()?.identityId, db } }
            yield 'two\nlines'
            // Quiet until the client has seen a heartbeat: the heartbeat must come on its own.
            await heartbeatSeen.promise
            yield { id: '3', data: USER.get()?.identityName }
            order.push('last event')
          } finally {
            order.push('producer finished')
          }
        })(),
        { heartbeatMs: 20 },
      ),
    ),
  )
  const { base, token } = await listen(t, config)

  const res = await open(`${base}/api/events`, token)
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
  assert.equal(res.headers['cache-control'], 'no-cache')
  const seen = { text: '' }
  await readUntil(res, (text) => text.includes(': heartbeat\n\n'), seen)
  heartbeatSeen.resolve()
  const text = await readUntil(res, () => false, seen)
  await cleaned.promise

  const events = text.split('\n\n').filter((block) => block !== '' && !block.startsWith(':'))
  assert.deepEqual(events, [
    'id: 1\nevent: greeting\ndata: {"user":"ada","db":"db"}',
    'data: two\ndata: lines',
    'id: 3\ndata: ada',
  ])
  assert.ok(
    text.indexOf(': heartbeat') > text.indexOf('data: lines'),
    'the heartbeat came in the quiet',
  )
  assert.deepEqual(order, ['last event', 'producer finished', 'cleanup as ada'])
})

void test('sse(): a client that disconnects stops the producer, and cleanup runs', async (t) => {
  let produced = 0
  const stopped = signal()
  const cleaned = signal()
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get(
      '/ticks',
      {
        dependencies: [
          ({ onCleanup }) => {
            onCleanup(() => cleaned.resolve())
          },
        ],
      },
      () =>
        sse(
          (async function* () {
            try {
              for (;;) {
                produced++
                yield { data: produced }
                await new Promise((resolve) => setTimeout(resolve, 5))
              }
            } finally {
              stopped.resolve()
            }
          })(),
        ),
    ),
  )
  const { base, token } = await listen(t, config)

  const res = await open(`${base}/api/ticks`, token)
  const text = await readUntil(res, (s) => s.includes('data: 3\n\n'))
  assert.ok(text.startsWith('data: 1\n\ndata: 2\n\ndata: 3\n\n'), text)
  res.destroy()
  await stopped.promise
  await cleaned.promise
  const after = produced
  await new Promise((resolve) => setTimeout(resolve, 30))
  assert.equal(produced, after, 'nothing is produced once the producer stopped')
})

void test('an async generator streams JSON lines, and a client that reads nothing holds the producer back', async (t) => {
  let produced = 0
  const stopped = signal()
  const chunk = 'x'.repeat(64 * 1024)
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    get('/lines', async function* () {
      yield { n: 1, user: USER.get()?.identityId }
      await new Promise((resolve) => setImmediate(resolve))
      yield { n: 2, user: USER.get()?.identityId }
    }),
  )
  config.addEndpoint(
    get('/flood', () => ({
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            produced++
            yield chunk
            await new Promise((resolve) => setImmediate(resolve))
          }
        } finally {
          stopped.resolve()
        }
      },
    })),
  )
  const { base, token } = await listen(t, config)

  const lines = await fetch(`${base}/api/lines`, { headers: bearer(token) })
  assert.equal(lines.status, 200)
  assert.equal(lines.headers.get('content-type'), 'application/x-ndjson; charset=utf-8')
  assert.equal(await lines.text(), '{"n":1,"user":"ada"}\n{"n":2,"user":"ada"}\n')

  const res = await open(`${base}/api/flood`, token)
  res.pause()
  // Wait until the producer has stopped for want of a reader, then check it stopped early.
  let last = -1
  while (produced !== last) {
    last = produced
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.ok(
    produced * chunk.length < 32 * 1024 * 1024,
    `the producer waited for the client: ${produced} chunks of 64 KiB`,
  )
  res.destroy()
  await stopped.promise
})

void test('a producer that fails before its first value answers 500; after it, the stream is cut and cleanup still runs', async (t) => {
  const cleaned = signal()
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    // eslint-disable-next-line require-yield -- fails before it yields, on purpose
    get('/early', async function* () {
      await new Promise((resolve) => setImmediate(resolve))
      throw new Error('no data source')
    }),
  )
  config.addEndpoint(
    get(
      '/late',
      {
        dependencies: [
          ({ onCleanup }) => {
            onCleanup(() => cleaned.resolve())
          },
        ],
      },
      () =>
        sse(
          (async function* () {
            yield 'first'
            await new Promise((resolve) => setImmediate(resolve))
            throw new Error('lost the data source')
          })(),
        ),
    ),
  )
  const { base, token } = await listen(t, config)

  const early = await fetch(`${base}/api/early`, { headers: bearer(token) })
  assert.equal(early.status, 500)
  assert.deepEqual(await early.json(), { detail: 'Internal Server Error' })

  const res = await open(`${base}/api/late`, token)
  assert.equal(res.statusCode, 200)
  const seen = { text: '' }
  const ended = new Promise<string>((done) => res.once('close', () => done(seen.text)))
  void readUntil(res, () => false, seen).catch(() => undefined)
  assert.equal(await ended, 'data: first\n\n')
  assert.equal(res.complete, false, 'the response was cut, not ended as if complete')
  await cleaned.promise
})
