// Issue 10 item 7: a realtime client that stops reading cannot make the server buffer without
// bound — past the per-client cap it is disconnected, while a reading client keeps its stream.
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createTestCollection, createTestRecord } from '../tests/record-fixtures.ts'
import { TestApp } from '../tests/test-app.ts'
import { publishRecordEvent } from './realtime-broadcast.ts'
import { type RunningServer, startServer } from './serve.ts'

const CAP = 256 * 1024

let app: TestApp
let server: RunningServer
let port: number

beforeAll(async () => {
  app = await TestApp.create()
  await createTestCollection(app, {
    name: 'posts',
    fields: [{ name: 'data', type: 'json', maxSize: 1 << 20 }],
    listRule: '',
    viewRule: '',
  })
  server = await startServer(app, { http: '127.0.0.1:0' })
  port = Number(server.address.split(':').pop())
  app.realtime.broker.maxBufferedBytes = CAP
})

afterAll(async () => {
  await server?.close()
  await app?.cleanup()
})

/** A raw HTTP/1.1 SSE connection; resolves once PB_CONNECT gave its client id. */
async function rawSse(): Promise<{ socket: Socket; clientId: string; received: () => number }> {
  const socket = connect(port, '127.0.0.1')
  let received = 0
  let text = ''
  const clientId = await new Promise<string>((resolve, reject) => {
    socket.on('error', reject)
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length
      text += chunk.toString('latin1')
      const m = /id:([A-Za-z0-9]{40})\nevent:PB_CONNECT/.exec(text)
      if (m) resolve(m[1]!)
    })
    socket.write(`GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
  })
  const res = await fetch(`http://127.0.0.1:${port}/api/realtime`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, subscriptions: ['posts/*'] }),
  })
  expect(res.status).toBe(204)
  return { socket, clientId, received: () => received }
}

test('a client that stops reading is cut off at the cap; a reading one is not', async () => {
  const broker = app.realtime.broker
  const stuck = await rawSse()
  const reader = await rawSse()
  stuck.socket.pause() // stops reading: the kernel buffers fill, then the server's
  const record = await createTestRecord(app, 'posts', { data: { blob: 'x'.repeat(100_000) } })
  const stuckClient = broker.clientById(stuck.clientId)!
  let maxBuffered = 0
  let events = 0
  // ~100 KB per event; bounded so that a missing cap fails instead of hanging
  while (!stuckClient.discarded && events < 400) {
    await publishRecordEvent(app, 'update', record)
    events++
    maxBuffered = Math.max(maxBuffered, stuckClient.bufferedBytes)
    expect(stuckClient.bufferedBytes).toBeLessThanOrEqual(CAP)
    // let the reader's socket drain as a live client's would
    await new Promise<void>((r) => setImmediate(r))
  }
  expect(stuckClient.discarded).toBe(true)
  expect(broker.clientById(stuck.clientId)).toBeUndefined()
  expect(maxBuffered).toBeGreaterThan(0)
  expect(maxBuffered).toBeLessThanOrEqual(CAP)
  // the stuck connection is closed by the server: reading again reaches its end
  const closed = new Promise<void>((r) => stuck.socket.once('close', () => r()))
  stuck.socket.resume()
  await closed
  // the reading client is still connected and got every event
  const readerClient = broker.clientById(reader.clientId)
  expect(readerClient?.discarded).toBe(false)
  const until = Date.now() + 5000
  while (reader.received() < events * 100_000 && Date.now() < until) {
    await new Promise<void>((r) => setTimeout(r, 20))
  }
  expect(reader.received()).toBeGreaterThan(events * 100_000)
  reader.socket.destroy()
}, 60_000)
