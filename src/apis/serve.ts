import { createServer, type Server } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import type { App } from '../core/app.ts'
import { ServeEvent } from '../core/events.ts'
import type { RequestEvent } from '../core/request-event.ts'
import { Router } from '../tools/router/router.ts'
import { closeRealtimeClients } from './realtime.ts'
import { createRouter, type RouterOptions } from './router.ts'

/** A running HTTP(S) server. */
export interface RunningServer {
  /** The bound address of the API, e.g. `127.0.0.1:8090` (the HTTPS one when TLS is on). */
  readonly address: string
  /** The bound address of the plain-HTTP listener that redirects to HTTPS, when there is one. */
  readonly redirectAddress?: string
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  close(): Promise<void>
}

/** A certificate chain and its private key, PEM (Satchel's `--tlsCert` / `--tlsKey`). */
export interface TlsFiles {
  readonly cert: string | Buffer
  readonly key: string | Buffer
}

/** Options of `startServer`. */
export interface ServeOptions extends RouterOptions {
  /**
   * `HOST:PORT` to listen on for HTTP (PocketBase default `127.0.0.1:8090`). With `https`, this
   * listener only redirects to the HTTPS address (PocketBase redirects plain HTTP when TLS is on).
   */
  readonly http?: string
  /** `HOST:PORT` to listen on for HTTPS; needs `tls`. */
  readonly https?: string
  /** The certificate served on `https`. */
  readonly tls?: TlsFiles
}

const TIMEOUTS = { requestTimeout: 5 * 60_000, headersTimeout: 60_000, keepAliveTimeout: 65_000 }

/**
 * Serves the API over HTTP, or over HTTPS with `tls` (PocketBase `apis.Serve`). Rejects with a
 * clear Error when an address is in use or the certificate/key cannot be loaded.
 * Request/header timeouts follow PocketBase (5 min / 1 min). Fires `app.onServe` first: its
 * handlers add custom routes to `e.router`, and its last link starts listening (a handler that
 * does not call `e.next()` leaves the server stopped: rejects). Starts the app's cron ticker
 * once listening (`app.close()` stops it).
 */
export async function startServer(app: App, options: ServeOptions): Promise<RunningServer> {
  let started: RunningServer | undefined
  try {
    await app.onServe.trigger(new ServeEvent(app, new Router<RequestEvent>()), async (e) => {
      started = await listenAll(app, { ...options, routes: e.router })
    })
  } catch (err) {
    // a handler that failed after `e.next()` must not leave a listening server behind
    await started?.close()
    throw err
  }
  if (started === undefined) {
    throw new Error('An onServe handler did not call e.next(): the server was not started.')
  }
  const running = started
  // PocketBase starts the scheduler when it serves (its `__pbCronStart__` OnServe handler).
  app.cron().start()
  return running
}

/** Most bytes of one WebSocket message from a client (1000 subscriptions of 2500 characters fit). */
const MAX_WS_MESSAGE_BYTES = 4 << 20

async function listenAll(app: App, options: ServeOptions): Promise<RunningServer> {
  const router = createRouter(app, options)
  // NOTE: the upgrade hook: a `GET /api/realtime` with `Upgrade: websocket` runs through the
  // router (auth, rate limits…) and `realtime-websocket.ts` accepts it on this server.
  // ws (which loads node:https and TLS) with the first server, not with every CLI command
  const { WebSocketServer } = await import('ws')
  const websocket = {
    server: new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES }),
  }
  if (options.https === undefined) {
    const server = createAdaptorServer({
      fetch: router.fetch,
      websocket,
      createServer,
      serverOptions: TIMEOUTS,
    }) as Server
    const address = await listen(server, options.http ?? '127.0.0.1:8090')
    return { address, close: () => closeServers(app, [server]) }
  }
  if (options.tls === undefined) throw new Error('HTTPS needs a certificate and its key.')
  // node:https (and TLS under it) loads only when HTTPS is served
  const { createServer: createHttpsServer } = await import('node:https')
  let secure: HttpsServer
  try {
    secure = createAdaptorServer({
      fetch: router.fetch,
      websocket,
      createServer: createHttpsServer,
      serverOptions: { ...TIMEOUTS, cert: options.tls.cert, key: options.tls.key },
    }) as HttpsServer
  } catch (err) {
    throw new Error(`Cannot load the TLS certificate or key: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const address = await listen(secure, options.https)
  if (options.http === undefined) return { address, close: () => closeServers(app, [secure]) }
  const httpsPort = splitAddress(address).port
  const redirect = createServer(TIMEOUTS, (req, res) => {
    // like autocert's HTTPHandler (PocketBase): 302 to the same host over HTTPS; the port is
    // kept when HTTPS does not listen on 443, so the target is reachable.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '') || 'localhost'
    const port = httpsPort === 443 ? '' : `:${httpsPort}`
    res.writeHead(302, { Location: `https://${host}${port}${req.url ?? '/'}` })
    res.end()
  })
  let redirectAddress: string
  try {
    redirectAddress = await listen(redirect, options.http)
  } catch (err) {
    await closeServers(app, [secure])
    throw err
  }
  return { address, redirectAddress, close: () => closeServers(app, [secure, redirect]) }
}

/** Listens on `HOST:PORT`; resolves with the bound address (IPv6 in brackets). */
async function listen(server: Server | HttpsServer, addr: string): Promise<string> {
  const { host, port } = splitAddress(addr)
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`The address ${addr} is already in use.`, { cause: err })
          : err,
      )
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const bound = server.address() as AddressInfo
  return `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}`
}

/** Ends realtime streams, then closes every server like Go's Shutdown. */
async function closeServers(app: App, servers: (Server | HttpsServer)[]): Promise<void> {
  // SSE streams never turn idle: end them first (clients reconnect elsewhere).
  closeRealtimeClients(app)
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          // like Go's Shutdown (PocketBase): keep closing connections as they turn idle, so a
          // keep-alive client whose request was in flight does not hold the process open
          const sweep = setInterval(() => server.closeIdleConnections(), 50)
          server.close(() => {
            clearInterval(sweep)
            resolve()
          })
          server.closeIdleConnections()
        }),
    ),
  )
}

/** Splits `HOST:PORT` (`:PORT` means all interfaces; IPv6 in brackets). */
export function splitAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr.trim())
  if (m === null) throw new Error(`Invalid address "${addr}": expected HOST:PORT.`)
  const host = m[1] ?? m[2]
  return { host: host === '' ? undefined : host, port: Number(m[3]) }
}
