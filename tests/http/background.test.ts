// ctx.background(fn): after the answer is sent, errors logged with the route,
// and awaited by the app's close.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { USER } from 'dara-ts/auth'
import { post } from 'dara-ts/http'
import { buildLoggedApp, SECRET } from '../helpers/app.ts'
import { listen } from '../helpers/listen.ts'

void test('the task starts once the answer is sent, on a real socket', async (t) => {
  const events: string[] = []
  let release: () => void = () => undefined
  const released = new Promise<void>((resolve) => (release = resolve))
  let finished: () => void = () => undefined
  const done = new Promise<void>((resolve) => (finished = resolve))
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/orders', { authenticated: false, status: 202 }, ({ background }) => {
      background(async () => {
        events.push('task started')
        await released
        events.push('task done')
        finished()
      })
      events.push('handler returned')
      return { queued: true }
    }),
  )
  const { baseUrl } = await listen(t, config)
  const res = await fetch(`${baseUrl}/api/orders`, { method: 'POST' })
  // The answer came while the task still waits.
  assert.equal(res.status, 202)
  assert.deepEqual(await res.json(), { queued: true })
  assert.deepEqual(events.slice(0, 1), ['handler returned'])
  release()
  await done
  assert.deepEqual(events, ['handler returned', 'task started', 'task done'])
})

void test('a failing task is logged with its route; the answer is unaffected', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/mail', { authenticated: false }, ({ background }) => {
      background(() => {
        throw new Error('SMTP down')
      })
      return 'sent'
    }),
  )
  const { app, logs } = buildLoggedApp(t, config)
  const res = await app.inject({ method: 'POST', url: '/api/mail' })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), 'sent')
  await app.close()
  const line = logs.find((l) => l.msg === 'A background task failed')
  assert.equal(line?.['route'], 'POST /api/mail')
  assert.equal(line?.err?.message, 'SMTP down')
})

void test("the app's close waits for running tasks, and a task runs as the request's user", async (t) => {
  let finishedAs: string | undefined
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/report', ({ background }) => {
      background(async () => {
        await new Promise((resolve) => setTimeout(resolve, 200))
        finishedAs = USER.get()?.identityName
      })
      return 'started'
    }),
  )
  const app = createApp(config, { logger: false, secret: SECRET })
  t.after(() => app.close())
  const call = await app.inject({ method: 'POST', url: '/api/auth/session' })
  const token = call.json<{ token: string }>().token
  const answered = await app.inject({
    method: 'POST',
    url: '/api/report',
    headers: { authorization: `Bearer ${token}` },
  })
  assert.equal(answered.statusCode, 200)
  assert.equal(finishedAs, undefined)
  await app.close()
  assert.equal(typeof finishedAs, 'string')
})

void test('background(fn) without a function is the app fault it is: 500', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(
    post('/bad', { authenticated: false }, ({ background }) => {
      // Sound for the test: a JavaScript caller may pass anything.
      background('later' as unknown as () => void)
      return 'x'
    }),
  )
  const { app } = buildLoggedApp(t, config)
  const res = await app.inject({ method: 'POST', url: '/api/bad' })
  assert.equal(res.statusCode, 500)
  assert.deepEqual(res.json(), { detail: 'Internal Server Error' })
})
