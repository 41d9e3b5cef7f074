import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { App } from '../core/app.ts'
import { closeRealtimeClients } from './realtime.ts'
import { createRouter, type RouterOptions } from './router.ts'

/** A running HTTP server. */
export interface RunningServer {
  /** The bound address, e.g. `127.0.0.1:8090`. */
  readonly address: string
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  close(): Promise<void>
}

/** Options of `startServer`. */
export interface ServeOptions extends RouterOptions {
  /** `HOST:PORT` to listen on (PocketBase default `127.0.0.1:8090`). */
  readonly http: string
}

/**
 * Serves the API over HTTP (PocketBase `apis.Serve`). Rejects with a clear Error when the
 * address is in use. Request/header timeouts follow PocketBase (5 min / 1 min).
 */
export async function startServer(app: App, options: ServeOptions): Promise<RunningServer> {
  const router = createRouter(app, options)
  const server: Server = createServer(
    { requestTimeout: 5 * 60_000, headersTimeout: 60_000, keepAliveTimeout: 65_000 },
    getRequestListener(router.fetch),
  )
  const { host, port } = splitAddress(options.http)
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`The address ${options.http} is already in use.`, { cause: err })
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
  return {
    address: `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // SSE streams never turn idle: end them first (clients reconnect elsewhere).
        closeRealtimeClients(app)
        // like Go's Shutdown (PocketBase): keep closing connections as they turn idle, so a
        // keep-alive client whose request was in flight does not hold the process open
        const sweep = setInterval(() => server.closeIdleConnections(), 50)
        server.close(() => {
          clearInterval(sweep)
          resolve()
        })
        server.closeIdleConnections()
      }),
  }
}

/** Splits `HOST:PORT` (`:PORT` means all interfaces; IPv6 in brackets). */
export function splitAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr.trim())
  if (m === null) throw new Error(`Invalid address "${addr}": expected HOST:PORT.`)
  const host = m[1] ?? m[2]
  return { host: host === '' ? undefined : host, port: Number(m[3]) }
}
