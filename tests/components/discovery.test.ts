// Import discovery: components used in pages, exported by the entry (classes
// and instances) and added explicitly all bring their requiredRoutes, each
// route once; a page component without a React side stops the start.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigurationBuilder, createApp } from 'dara-ts'
import { Card, Stack, Text, UploadDropzone } from 'dara-ts/components'
import { ComponentInstance } from 'dara-ts/definitions'
import { upload } from 'dara-ts/endpoints'
import { get } from 'dara-ts/http'
import { loadEntry } from '../../src/cli/load-entry.ts'
import { buildApp, call, callGet, SECRET } from '../helpers/app.ts'
import { fileBody } from '../helpers/multipart.ts'

const UPLOAD_PATH = '/api/core/data/upload'

function mounted(app: { routePlans: readonly { path: string }[] }, path: string): number {
  return app.routePlans.filter((plan) => plan.path === path).length
}

void test('a component used in a page mounts its requiredRoutes, nested at any depth', async (t) => {
  const config = new ConfigurationBuilder()
  config.addPage('Home', new Stack([new Card([new UploadDropzone()])]))
  const app = buildApp(t, config)
  assert.equal(mounted(app, UPLOAD_PATH), 1)
  const { body, contentType } = fileBody('a.csv', 'x\n1\n')
  const res = await call(app, {
    method: 'POST',
    url: `${UPLOAD_PATH}?resolver_id=home:0.0.0`,
    headers: { 'content-type': contentType },
    payload: body,
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { status: 'SUCCESS', result: [{ x: '1' }] })
})

void test('without a page, addComponent or export that uses it, the upload route is absent', async (t) => {
  const config = new ConfigurationBuilder()
  config.addPage('Home', new Text('no upload here'))
  const app = buildApp(t, config)
  assert.equal(mounted(app, UPLOAD_PATH), 0)
  const res = await call(app, { method: 'POST', url: UPLOAD_PATH })
  assert.equal(res.statusCode, 404)
})

void test('config.discover() registers exported classes and the classes of exported instances', async (t) => {
  const votes = get('/poll/votes', () => 3)
  const answers = get('/survey/answers', () => 5)
  class Poll extends ComponentInstance {
    static override requiredRoutes = [votes]
  }
  class Survey extends ComponentInstance {
    static override requiredRoutes = [answers]
  }
  const config = new ConfigurationBuilder()
  config.discover({ Poll, survey: new Survey(), other: 42, fn: () => 1, nothing: null })
  const app = buildApp(t, config)
  assert.equal((await callGet(app, '/api/poll/votes')).body, '3')
  assert.equal((await callGet(app, '/api/survey/answers')).body, '5')
})

void test('dara start discovers the entry: exported class, exported instance, page component', async (t) => {
  const config = await loadEntry('tests/fixtures/pages-entry.ts')
  const app = buildApp(t, config)
  assert.equal((await callGet(app, '/api/poll/votes')).body, '3')
  assert.equal((await callGet(app, '/api/survey/answers')).body, '5')
  assert.equal(mounted(app, UPLOAD_PATH), 1)
})

void test('explicit, page-used and exported: the same route is mounted once', (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(upload)
  config.addComponent(UploadDropzone)
  config.discover({ UploadDropzone })
  config.addPage('One', new UploadDropzone())
  config.addPage('Two', new Stack([new UploadDropzone(), new UploadDropzone()]))
  const app = buildApp(t, config)
  assert.equal(mounted(app, UPLOAD_PATH), 1)
})

void test('config.addEndpoint(upload) alone mounts it, and with no dropzone it parses nothing', async (t) => {
  const config = new ConfigurationBuilder()
  config.addEndpoint(upload)
  const app = buildApp(t, config)
  assert.equal(mounted(app, UPLOAD_PATH), 1)
  const { body, contentType } = fileBody('a.csv', 'name,score\nada,3\n')
  const send = (url: string) =>
    call(app, { method: 'POST', url, headers: { 'content-type': contentType }, payload: body })
  const missing = await send(UPLOAD_PATH)
  assert.equal(missing.statusCode, 400)
  assert.deepEqual(missing.json(), {
    detail:
      'No resolver_id: send the id of the UploadDropzone the file is for as the query parameter resolver_id, or as a form field of that name',
    code: 'DARA_ERR_UPLOAD_RESOLVER_MISSING',
  })
  const unknown = await send(`${UPLOAD_PATH}?resolver_id=home:0`)
  assert.equal(unknown.statusCode, 400)
  assert.equal(unknown.json<{ code: string }>().code, 'DARA_ERR_UPLOAD_RESOLVER_UNKNOWN')
})

void test('a page component with no React side stops the start, naming page and class', () => {
  class Chart extends ComponentInstance {}
  const config = new ConfigurationBuilder()
  config.addPage('Dashboard', new Stack([new Text('Sales'), new Chart()]))
  assert.throws(() => createApp(config, { logger: false, secret: SECRET }), {
    name: 'DaraError',
    message:
      'DARA_ERR_COMPONENT_NO_UI: Page "Dashboard" uses component Chart, which the UI cannot render: it has no React side (the UI knows Button, Card, Heading, Stack, Table, Text, UploadDropzone). Build the page from those components, or register Chart with config.addComponent() without placing it in a page.',
  })
})

void test('a route-only component registered with addComponent needs no React side', async (t) => {
  const ping = get('/chart/data', () => [1, 2])
  class Chart extends ComponentInstance {
    static override requiredRoutes = [ping]
  }
  const config = new ConfigurationBuilder()
  config.addComponent(Chart)
  config.addPage('Home', new Text('hi'))
  const app = buildApp(t, config)
  assert.equal((await callGet(app, '/api/chart/data')).body, '[1,2]')
})
