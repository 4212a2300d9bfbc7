// Raw node:http at idle, for `npm run bench:idle-memory`: what the Node line
// itself costs. GET /memory answers process.memoryUsage().
import http from 'node:http'
import process from 'node:process'

http
  .createServer((_request, response) => {
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify(process.memoryUsage()))
  })
  .listen(Number(process.argv[2]), '127.0.0.1')
