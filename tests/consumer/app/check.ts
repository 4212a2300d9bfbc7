// dara-ts/testing in the consumer project: compiled by the project's tsc, then
// run by plain Node. Throws on the first wrong answer.
import { testApp } from 'dara-ts/testing'
import { config } from './main.js'

const api = testApp(config).asUser({ identityName: 'ada' })
try {
  const hello = await api.get('/public')
  const expected = '{"message":"Hello, world","from":"greeting.js"}'
  if (hello.status !== 200 || JSON.stringify(hello.body) !== expected) {
    throw new Error(`GET /api/public answered ${hello.status} ${hello.text}`)
  }
  const echo = await api.post('/echo/7', { name: 'Lamp' })
  if (echo.status !== 200 || JSON.stringify(echo.body) !== '{"id":7,"name":"Lamp","user":"ada"}') {
    throw new Error(`POST /api/echo/7 answered ${echo.status} ${echo.text}`)
  }
} finally {
  await api.close()
}
