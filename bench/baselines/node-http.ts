// Baseline "node:http": the least a Node server can do for the hello case. Every
// ratio in the report is to this server's req/s in the same run.
import { createServer } from 'node:http'
import { serveNode } from '../servers/listen.ts'

const BODY = JSON.stringify('Hello World')
// With the length given, as Fastify sends it: writeHead() without one would make
// the body chunked, a slower response than any framework's.
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': Buffer.byteLength(BODY),
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/api/hello') {
    response.writeHead(200, HEADERS)
    response.end(BODY)
    return
  }
  response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
  response.end(JSON.stringify({ detail: 'Not Found' }))
})

await serveNode(server)
