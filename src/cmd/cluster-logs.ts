import type { App } from '../core/app.ts'
import type { Db, SqlValue } from '../tools/db/db.ts'

/** The message a `serve --workers` worker sends with one batch of log rows. */
export interface LogsMessage {
  readonly type: 'logs'
  /** 5 bound values per row, as `insertLogRows` takes them. */
  readonly params: SqlValue[]
}

/** Whether a worker's message is a {@link LogsMessage}. */
export function isLogsMessage(msg: unknown): msg is LogsMessage {
  return (
    typeof msg === 'object' &&
    msg !== null &&
    (msg as { type?: unknown }).type === 'logs' &&
    Array.isArray((msg as { params?: unknown }).params)
  )
}

/**
 * In a `serve --workers` worker on SQLite: hands the app's log batches to the primary process
 * over the cluster channel instead of writing `auxiliary.db` here, so a write's I/O waits
 * (WAL appends, checkpoints) never stall this worker's event loop. A batch resolves once the
 * message is handed to the channel (a worker may exit right after `app.close()`).
 */
export function sendLogsToPrimary(app: App): void {
  const send = process.send?.bind(process)
  if (send === undefined) return
  app.logsWriter = (params) =>
    new Promise((resolve, reject) => {
      const msg: LogsMessage = { type: 'logs', params }
      send(msg, undefined, undefined, (err) => (err ? reject(err) : resolve()))
    })
}

/**
 * The primary's side of {@link sendLogsToPrimary}: writes the workers' batches into
 * `auxiliary.db`, one after the other, on a connection opened with the first batch (SQLite and
 * the logs code load then, so an idle primary stays small). A failed batch is reported on
 * stderr and dropped, like a worker's own failed write.
 */
export class PrimaryLogsWriter {
  readonly #file: string
  #db: Db | undefined
  #writing: Promise<void> = Promise.resolve()

  /** `file` is the path of `auxiliary.db`. */
  constructor(file: string) {
    this.#file = file
  }

  /** Queues one worker batch. */
  write(msg: LogsMessage): void {
    this.#writing = this.#writing.then(async () => {
      try {
        const { insertLogRows, LOGS_WAL_AUTOCHECKPOINT_PAGES } = await import(
          '../core/log-query.ts'
        )
        if (this.#db === undefined) {
          const { openSqlite } = await import('../tools/db/sqlite.ts')
          this.#db = openSqlite(this.#file, {
            walAutocheckpointPages: LOGS_WAL_AUTOCHECKPOINT_PAGES,
          })
        }
        await insertLogRows(this.#db, msg.params)
      } catch (err) {
        process.stderr.write(`Failed to write ${msg.params.length / 5} log entries: ${err}\n`)
      }
    })
  }

  /** Waits for the queued batches and closes the connection (a later batch opens it again). */
  async close(): Promise<void> {
    await this.#writing
    const db = this.#db
    this.#db = undefined
    await db?.close()
  }
}
