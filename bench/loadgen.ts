/**
 * A closed-loop HTTP/1.1 load generator on raw keep-alive sockets: each connection sends one
 * request, waits for the whole response, then sends the next. The response parser only finds the
 * status, the body framing (Content-Length or chunked) and `Connection: close`, so the client
 * costs a few microseconds of CPU per request and stays out of the servers' way.
 */
import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

/** One request to send; `path` includes the query string. */
export interface RequestSpec {
  method: string
  path: string
  /** Value of the Authorization header (omitted when empty). */
  token?: string
  /** JSON body (sent with Content-Type: application/json). */
  body?: string
  /**
   * Send `Connection: close` and open a new connection for the next request (a client that
   * does not keep connections alive, as in pocketbase/benchmarks' insert run).
   */
  close?: boolean
}

/** What to run: the target, the concurrency and how long. */
export interface LoadOptions {
  host: string
  port: number
  connections: number
  /** Unmeasured run-in on the same connections before measuring starts. */
  warmupMs: number
  durationMs: number
  /** A request that gets no byte of response for this long counts as an error. */
  timeoutMs: number
  /** Produces the next request (called once per request, in sending order). */
  next: () => RequestSpec
  /** Called when warm-up ends and measuring begins. */
  onMeasureStart?: () => void
  /** Called when the measured window ends (in-flight requests then drain uncounted). */
  onMeasureEnd?: () => void
}

/** Counts and latencies of the measured window. */
export interface LoadResult {
  ok: number
  /** Non-2xx responses by status code. */
  statuses: Record<string, number>
  /** Socket errors, timeouts and unexpected closes. */
  netErrors: number
  /** Status line and start of the body of the first non-2xx response. */
  firstError?: string
  elapsedMs: number
  /** Latency in ms of every response completed in the window, in completion order. */
  latencies: Float64Array
  bytesIn: number
}

const HEAD = 0
const BODY = 1
const CHUNK_SIZE = 2
const CHUNK_DATA = 3
const TRAILER = 4
const CRLF2 = Buffer.from('\r\n\r\n')
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i
const CHUNKED = /\r\ntransfer-encoding:[^\r]*chunked/i
const CONN_CLOSE = /\r\nconnection:[ \t]*close/i
const ERROR_SAMPLE = 400

/** Runs the load and resolves with the measured window's results. */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const hostHeader = `Host: ${opts.host}:${opts.port}\r\n`
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let ok = 0
  let netErrors = 0
  let bytesIn = 0
  let firstError: string | undefined
  let measuring = false
  let running = true
  let measureStart = 0
  let measureEnd = 0
  const sockets = new Set<Socket>()
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finish = () => {
      for (const s of sockets) s.destroy()
      resolve()
    }
  })

  const encode = (r: RequestSpec): string => {
    let s = `${r.method} ${r.path} HTTP/1.1\r\n${hostHeader}`
    if (r.token) s += `Authorization: ${r.token}\r\n`
    if (r.close) s += 'Connection: close\r\n'
    if (r.body !== undefined) {
      s += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(r.body)}\r\n\r\n`
      return s + r.body
    }
    return `${s}\r\n`
  }

  const startConnection = (): void => {
    let socket: Socket
    let phase = HEAD
    let head: Buffer | null = null
    let remaining = 0
    let line = ''
    let status = 0
    let closeAfter = false
    /** The request in flight asked for `Connection: close`. */
    let closeRequested = false
    let inFlight = false
    let sentAt = 0
    let errSample: string | null = null
    let failed = false

    const send = (): void => {
      if (!running) {
        socket.end()
        return
      }
      inFlight = true
      sentAt = performance.now()
      const req = opts.next()
      closeRequested = req.close === true
      socket.write(encode(req))
    }

    const complete = (): void => {
      inFlight = false
      phase = HEAD
      if (measuring) {
        const now = performance.now()
        if (now <= measureEnd) {
          latencies.push(now - sentAt)
          if (status >= 200 && status < 300) ok++
          else {
            statuses[status] = (statuses[status] ?? 0) + 1
            if (firstError === undefined && errSample !== null) firstError = errSample
          }
        }
      }
      errSample = null
      if (closeAfter) {
        socket.destroy()
        return
      }
      send()
    }

    const takeBody = (chunk: Buffer, off: number): number => {
      const n = Math.min(remaining, chunk.length - off)
      if (errSample !== null && errSample.length < ERROR_SAMPLE) {
        errSample += chunk.toString('utf8', off, off + Math.min(n, ERROR_SAMPLE))
      }
      remaining -= n
      return off + n
    }

    const onData = (input: Buffer): void => {
      bytesIn += input.length
      let chunk = input
      let off = 0
      while (off < chunk.length) {
        if (phase === HEAD) {
          if (head !== null) {
            chunk = Buffer.concat([head, chunk.subarray(off)])
            off = 0
            head = null
          }
          const end = chunk.indexOf(CRLF2, off)
          if (end < 0) {
            head = Buffer.from(chunk.subarray(off))
            return
          }
          const text = chunk.toString('latin1', off, end)
          off = end + 4
          status = Number.parseInt(text.slice(9, 12), 10)
          closeAfter = closeRequested || CONN_CLOSE.test(text)
          if (status < 200 || status >= 300) errSample = `${text.slice(0, text.indexOf('\r'))} `
          if (CHUNKED.test(text)) phase = CHUNK_SIZE
          else {
            remaining = Number(CONTENT_LENGTH.exec(text)?.[1] ?? 0)
            if (remaining > 0 && status !== 204 && status !== 304) phase = BODY
            else complete()
          }
        } else if (phase === BODY || phase === CHUNK_DATA) {
          off = takeBody(chunk, off)
          if (remaining === 0) {
            if (phase === BODY) complete()
            else phase = CHUNK_SIZE
          }
        } else {
          const nl = chunk.indexOf(10, off)
          if (nl < 0) {
            line += chunk.toString('latin1', off)
            return
          }
          line += chunk.toString('latin1', off, nl)
          off = nl + 1
          const l = line.trim()
          line = ''
          if (phase === TRAILER) {
            if (l === '') complete()
          } else if (l !== '') {
            const size = Number.parseInt(l, 16)
            if (size === 0) phase = TRAILER
            else {
              phase = CHUNK_DATA
              remaining = size + 2 // the data and its trailing CRLF
            }
          }
        }
      }
    }

    const onClose = (): void => {
      sockets.delete(socket)
      if (inFlight && measuring && running) netErrors++
      // Back off a little after a failure so a dead server does not cause a busy loop.
      if (running) setTimeout(startConnection, failed || inFlight ? 20 : 0)
      else if (sockets.size === 0) finish()
    }

    socket = connect({ host: opts.host, port: opts.port, noDelay: true })
    sockets.add(socket)
    socket.setTimeout(opts.timeoutMs, () => socket.destroy())
    socket.on('connect', send)
    socket.on('data', onData)
    socket.on('error', () => {
      failed = true
      if (measuring && running && !inFlight) netErrors++
    })
    socket.on('close', onClose)
  }

  for (let i = 0; i < opts.connections; i++) startConnection()

  const beginMeasuring = (): void => {
    measuring = true
    measureStart = performance.now()
    measureEnd = measureStart + opts.durationMs
    opts.onMeasureStart?.()
    setTimeout(() => {
      running = false
      opts.onMeasureEnd?.()
      // Give in-flight requests a moment to finish so connections close cleanly.
      setTimeout(finish, Math.min(opts.timeoutMs, 2000)).unref()
    }, opts.durationMs)
  }
  if (opts.warmupMs > 0) setTimeout(beginMeasuring, opts.warmupMs)
  else beginMeasuring()

  return done.then(() => ({
    ok,
    statuses,
    netErrors,
    firstError,
    elapsedMs: measureEnd - measureStart,
    latencies: Float64Array.from(latencies),
    bytesIn,
  }))
}
