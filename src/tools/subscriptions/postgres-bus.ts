import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Bus, BusMessageHandler, BusPayload, BusRequestHandler } from './bus.ts'

/** The NOTIFY channel every Satchel process on one database listens on. */
const CHANNEL = 'satchel_bus'

/** Default time a request waits for the other nodes (ms). */
const REQUEST_TIMEOUT_MS = 5000

/** How often a node announces itself (ms); a node silent for 3 periods is taken as gone. */
const HEARTBEAT_MS = 5000

/**
 * NOTIFY payloads are limited to 8000 bytes: a larger envelope is stored in this table and
 * only its id is notified (rows older than a minute are deleted by later senders).
 */
const SPILL_TABLE = '_satchelBusSpill'
const MAX_NOTIFY_BYTES = 7000

/** What travels on the channel; `to` addresses one node (answers), else every other one. */
type Envelope =
  | { from: string; kind: 'hello' }
  | { from: string; kind: 'pub'; payloads: BusPayload[] }
  | { from: string; kind: 'req'; id: number; payload: BusPayload }
  | { from: string; kind: 'res'; to: string; id: number; found: boolean; payload?: unknown }
  | { from: string; kind: 'spill'; ref: number }

/** A request waiting for the other nodes' answers. */
interface Pending {
  readonly resolve: (value: unknown) => void
  /** The nodes that have not answered yet. */
  readonly waiting: Set<string>
  readonly timer: NodeJS.Timeout
}

/**
 * A {@link Bus} between every Satchel process (on any machine) serving one PostgreSQL database,
 * over `LISTEN`/`NOTIFY` on one dedicated connection. Messages of one sender arrive in order
 * (PostgreSQL delivers the notifications of one session in order). `request` waits for the
 * answers of the nodes seen alive (heartbeats every 5 s) and resolves with the first defined
 * one. When the listening connection breaks, it reconnects (messages sent meanwhile are lost,
 * as with any broker restart; realtime clients re-subscribe on reconnect).
 */
export class PostgresBus implements Bus {
  readonly #url: string
  readonly #id = randomUUID()
  #client: pg.Client | undefined
  readonly #writer: pg.Pool
  #onMessage: BusMessageHandler = () => {}
  #onRequest: BusRequestHandler = () => undefined
  #nextId = 1
  readonly #pending = new Map<number, Pending>()
  /** Other nodes by id → the time they were last heard from (ms). */
  readonly #peers = new Map<string, number>()
  #outbox: BusPayload[] = []
  #closed = false
  #epoch = 0
  readonly #heartbeat: NodeJS.Timeout
  /** Sends are chained so the notifications of this node keep their order. */
  #sending: Promise<void> = Promise.resolve()
  /** Receives are chained too (a spilled message is read back before the next one is handled). */
  #receiving: Promise<void> = Promise.resolve()

  private constructor(url: string) {
    this.#url = url
    this.#writer = new pg.Pool({ connectionString: url, max: 1, application_name: 'satchel-bus' })
    this.#writer.on('error', () => undefined)
    this.#heartbeat = setInterval(() => this.#send({ from: this.#id, kind: 'hello' }), HEARTBEAT_MS)
    this.#heartbeat.unref()
  }

  /** Connects, listens and announces this node. Throws when the database cannot be reached. */
  static async open(url: string): Promise<PostgresBus> {
    const bus = new PostgresBus(url)
    try {
      // NOTE: one script, one implicit transaction: the advisory lock makes a node starting at
      // the same time wait, instead of both creating the table (pg_type unique violation)
      await bus.#writer.query(
        `SELECT pg_advisory_xact_lock(727243502); CREATE UNLOGGED TABLE IF NOT EXISTS "${SPILL_TABLE}" ("id" BIGSERIAL PRIMARY KEY, "body" TEXT NOT NULL, "created" TIMESTAMPTZ NOT NULL DEFAULT now())`,
      )
      await bus.#listen()
    } catch (err) {
      bus.close()
      throw err
    }
    bus.#send({ from: bus.#id, kind: 'hello' })
    return bus
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, application_name: 'satchel-bus' })
    client.on('notification', (n) => {
      const text = n.payload
      if (n.channel !== CHANNEL || text === undefined) return
      this.#receiving = this.#receiving.then(() => this.#receive(text)).catch(() => undefined)
    })
    client.on('error', () => {
      if (this.#client === client) this.#client = undefined
      void client.end().catch(() => undefined)
      this.#reconnect()
    })
    await client.connect()
    await client.query(`LISTEN ${CHANNEL}`)
    this.#client = client
    this.#epoch++
  }

  /** True while this node is listening (messages sent to it now will arrive). */
  get connected(): boolean {
    return this.#client !== undefined && !this.#closed
  }

  /** Grows with each (re)connection of the listening connection (messages may be lost between). */
  get epoch(): number {
    return this.#epoch
  }

  #reconnect(): void {
    if (this.#closed) return
    setTimeout(() => {
      if (this.#closed || this.#client !== undefined) return
      this.#listen().catch(() => this.#reconnect())
    }, 500).unref()
  }

  /** Sends to every other node; the messages of one event-loop turn travel as one notification. */
  publish(payload: BusPayload): void {
    if (this.#outbox.push(payload) === 1) setImmediate(() => this.#flush())
  }

  #flush(): void {
    if (this.#outbox.length === 0) return
    const payloads = this.#outbox
    this.#outbox = []
    this.#send({ from: this.#id, kind: 'pub', payloads })
  }

  /**
   * Asks every other node; resolves with the first defined answer, or undefined once every node
   * seen alive answered undefined (or after `timeoutMs`).
   */
  request(payload: BusPayload, timeoutMs = REQUEST_TIMEOUT_MS): Promise<unknown> {
    const id = this.#nextId++
    const now = Date.now()
    const waiting = new Set(
      [...this.#peers].filter(([, seen]) => now - seen < 3 * HEARTBEAT_MS).map(([peer]) => peer),
    )
    if (waiting.size === 0) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        resolve(undefined)
      }, timeoutMs)
      this.#pending.set(id, { resolve, waiting, timer })
      this.#flush()
      this.#send({ from: this.#id, kind: 'req', id, payload })
    })
  }

  /** Sets the published-message handler. */
  onMessage(handler: BusMessageHandler): void {
    this.#onMessage = handler
  }

  /** Sets the request handler. */
  onRequest(handler: BusRequestHandler): void {
    this.#onRequest = handler
  }

  /** Sends what is unsent, then stops listening and closes both connections. */
  close(): void {
    if (this.#closed) return
    this.#flush()
    this.#closed = true
    clearInterval(this.#heartbeat)
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer)
      p.resolve(undefined)
      this.#pending.delete(id)
    }
    const client = this.#client
    this.#client = undefined
    void this.#sending.finally(async () => {
      await client?.end().catch(() => undefined)
      await this.#writer.end().catch(() => undefined)
    })
  }

  #send(envelope: Envelope): void {
    if (this.#closed) return
    const text = JSON.stringify(envelope)
    this.#sending = this.#sending.then(async () => {
      try {
        if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) {
          await this.#writer.query('SELECT pg_notify($1, $2)', [CHANNEL, text])
          return
        }
        const res = await this.#writer.query<{ id: string }>(
          `INSERT INTO "${SPILL_TABLE}" ("body") VALUES ($1) RETURNING "id"`,
          [text],
        )
        const ref: Envelope = { from: this.#id, kind: 'spill', ref: Number(res.rows[0]!.id) }
        await this.#writer.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(ref)])
        await this.#writer.query(
          `DELETE FROM "${SPILL_TABLE}" WHERE "created" < now() - interval '1 minute'`,
        )
      } catch {
        // the database is unreachable: the message is lost, like one sent to a dead broker
      }
    })
  }

  async #receive(text: string): Promise<void> {
    let msg: Envelope
    try {
      msg = JSON.parse(text) as Envelope
    } catch {
      return
    }
    if (msg.from === this.#id) return
    const known = this.#peers.has(msg.from)
    this.#peers.set(msg.from, Date.now())
    // a node that just appeared learns about this one at once
    if (!known && msg.kind === 'hello') this.#send({ from: this.#id, kind: 'hello' })
    if (msg.kind === 'spill') {
      const res = await this.#writer
        .query<{ body: string }>(`SELECT "body" FROM "${SPILL_TABLE}" WHERE "id" = $1`, [msg.ref])
        .catch(() => undefined)
      const body = res?.rows[0]?.body
      if (body !== undefined) await this.#receive(body)
    } else if (msg.kind === 'pub') {
      for (const payload of msg.payloads) this.#onMessage(payload)
    } else if (msg.kind === 'req') {
      let answer: unknown
      try {
        answer = await this.#onRequest(msg.payload)
      } catch {
        answer = undefined
      }
      this.#send({
        from: this.#id,
        kind: 'res',
        to: msg.from,
        id: msg.id,
        found: answer !== undefined,
        payload: answer,
      })
    } else if (msg.kind === 'res' && msg.to === this.#id) {
      const p = this.#pending.get(msg.id)
      if (p === undefined) return
      p.waiting.delete(msg.from)
      if (msg.found || p.waiting.size === 0) {
        clearTimeout(p.timer)
        this.#pending.delete(msg.id)
        p.resolve(msg.found ? msg.payload : undefined)
      }
    }
  }
}
