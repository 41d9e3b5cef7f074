import { HookEvent } from '../tools/hook/hook.ts'
import type { Client } from '../tools/subscriptions/client.ts'
import type { Message } from '../tools/subscriptions/message.ts'
import type { App } from './app.ts'
import type { RequestInfo } from './request-info.ts'

/**
 * `GET /api/realtime` (`onRealtimeConnectRequest`; PocketBase `RealtimeConnectRequestEvent`):
 * the last link registers `client` and sends `PB_CONNECT`, then waits until the client
 * disconnects, so code after `await e.next()` runs once the connection is gone. A handler that
 * throws before `e.next()` refuses the connection with its error.
 */
export class RealtimeConnectRequestEvent extends HookEvent {
  readonly app: App
  readonly client: Client
  readonly requestInfo: RequestInfo
  /** The HTTP response of a handler that answers instead of connecting. */
  response: Response | undefined = undefined

  constructor(app: App, client: Client, requestInfo: RequestInfo) {
    super()
    this.app = app
    this.client = client
    this.requestInfo = requestInfo
  }
}

/**
 * `POST /api/realtime` (`onRealtimeSubscribeRequest`; PocketBase
 * `RealtimeSubscribeRequestEvent`), after the form is validated: handlers may change
 * `subscriptions`; the last link applies them and answers 204. `client` is null when the
 * connection is held by another process (`--workers`, PostgreSQL nodes).
 */
export class RealtimeSubscribeRequestEvent extends HookEvent {
  readonly app: App
  readonly client: Client | null
  subscriptions: string[]
  readonly requestInfo: RequestInfo
  /** The HTTP response once produced. */
  response: Response | undefined = undefined

  constructor(app: App, client: Client | null, subscriptions: string[], requestInfo: RequestInfo) {
    super()
    this.app = app
    this.client = client
    this.subscriptions = subscriptions
    this.requestInfo = requestInfo
  }
}

/**
 * A message about to be written to a realtime client (`onRealtimeMessageSend`; PocketBase
 * `RealtimeMessageEvent`): `PB_CONNECT` and record events. Handlers may change `message` or
 * skip `e.next()` to drop it.
 */
export class RealtimeMessageEvent extends HookEvent {
  readonly app: App
  readonly client: Client
  message: { name: string; data: string }

  constructor(app: App, client: Client, message: { name: string; data: string }) {
    super()
    this.app = app
    this.client = client
    this.message = message
  }
}

/**
 * Sends `message` to `client` through `onRealtimeMessageSend`; synchronous (no promise, no
 * allocation) while the hook has no handlers, as a fan-out to many clients goes through here.
 */
export function sendRealtimeMessage(
  app: App,
  client: Client,
  message: Message,
): Promise<void> | undefined {
  if (app.onRealtimeMessageSend.length === 0) {
    client.send(message)
    return undefined
  }
  const event = new RealtimeMessageEvent(app, client, { name: message.name, data: message.data })
  return app.onRealtimeMessageSend.trigger(event, (e) => {
    e.client.send(e.message)
  })
}
