/**
 * Checks the load generator's response parsing against a raw server that splits its responses
 * at random byte boundaries. Run with `npx node --test bench/`.
 */
import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { test } from 'node:test'
import { runLoad } from './loadgen.ts'

const BODY = JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ id: i })) })
const RESPONSES = [
  `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`,
  `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n${Buffer.byteLength(BODY).toString(16)}\r\n${BODY}\r\n0\r\n\r\n`,
  'HTTP/1.1 204 No Content\r\n\r\n',
  'HTTP/1.1 400 Bad Request\r\nContent-Length: 15\r\n\r\n{"status":400}\n',
  'HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
]

/** Writes `text` to the socket in random-sized pieces. */
function writeFragmented(socket: Socket, text: string): void {
  const buf = Buffer.from(text)
  let off = 0
  while (off < buf.length) {
    const n = 1 + Math.floor(Math.random() * 40)
    socket.write(buf.subarray(off, off + n))
    off += n
  }
}

test('parses fragmented content-length, chunked, 204, error and close responses', async () => {
  let served = 0
  const seen = [0, 0, 0, 0, 0]
  const server = createServer({ noDelay: true }, (socket) => {
    let pending = ''
    socket.on('data', (d) => {
      pending += d.toString('latin1')
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const kind = Number(/^GET \/(\d)/.exec(pending)?.[1])
        pending = pending.slice(end + 4)
        served++
        seen[kind]!++
        writeFragmented(socket, RESPONSES[kind]!)
        if (kind === 4) socket.end()
      }
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  let i = 0
  const result = await runLoad({
    host: '127.0.0.1',
    port,
    connections: 4,
    warmupMs: 0,
    durationMs: 500,
    timeoutMs: 2000,
    next: () => ({ method: 'GET', path: `/${i++ % RESPONSES.length}` }),
  })
  server.close()
  const errors = result.statuses['400'] ?? 0
  assert.equal(result.netErrors, 0)
  assert.ok(result.ok > 100, `too few responses: ${result.ok}`)
  assert.ok(errors > 0 && errors <= seen[3]!)
  assert.ok(result.ok + errors <= served && served - (result.ok + errors) <= 4)
  assert.match(result.firstError ?? '', /^HTTP\/1.1 400 Bad Request \{"status":400\}/)
})

test('close: every request goes on a new connection with Connection: close', async () => {
  let connections = 0
  let requests = 0
  let withClose = 0
  const server = createServer({ noDelay: true }, (socket) => {
    connections++
    let pending = ''
    socket.on('data', (d) => {
      pending += d.toString('latin1')
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end)
        pending = pending.slice(end + 4)
        requests++
        if (/\r\nConnection: close/i.test(head)) withClose++
        // keeps the connection open: the client must close it itself
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}')
      }
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  const result = await runLoad({
    host: '127.0.0.1',
    port,
    connections: 4,
    warmupMs: 0,
    durationMs: 300,
    timeoutMs: 2000,
    next: () => ({ method: 'POST', path: '/', body: '{}', close: true }),
  })
  server.close()
  assert.equal(result.netErrors, 0)
  assert.ok(result.ok > 20, `too few responses: ${result.ok}`)
  assert.equal(withClose, requests)
  // one request per connection (the last ones may be cut off by the end of the run)
  assert.ok(connections >= requests && connections <= requests + 4, `${connections} vs ${requests}`)
})
