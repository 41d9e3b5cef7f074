/**
 * A structured logger with Go slog's levels that hands entries to a {@link BatchHandler}, which
 * buffers them and writes them in batches (PocketBase `tools/logger`). Knows nothing about where
 * entries end up: the app plugs in the write function.
 */

/** Go slog levels, as PocketBase stores them in `_logs.level`. */
export const LOG_LEVEL = Object.freeze({ debug: -4, info: 0, warn: 4, error: 8 })

/** One log entry as buffered: `time` is epoch milliseconds (formatted only when written). */
export interface LogEntry {
  readonly time: number
  readonly level: number
  readonly message: string
  /** The attributes; values are plain JSON-able data (errors already turned into messages). */
  readonly data: { [key: string]: unknown }
}

/** Options of {@link BatchHandler}. */
export interface BatchHandlerOptions {
  /** Entries that trigger an immediate write (PocketBase: 200). */
  readonly batchSize?: number
  /** Longest time an entry waits in the buffer, in milliseconds (PocketBase: 3000). */
  readonly flushIntervalMs?: number
  /** Decides per entry whether it is buffered (e.g. min level, retention off). */
  readonly accept?: (entry: LogEntry) => boolean
  /** Writes one batch; a rejection is reported through `onWriteError` and the batch dropped. */
  readonly write: (entries: LogEntry[]) => Promise<void>
  /** Called when `write` fails (default: one line on stderr). */
  readonly onWriteError?: (err: unknown, entries: LogEntry[]) => void
}

/**
 * BatchHandler buffers entries and writes them with one `write` call per batch: when
 * `batchSize` entries are waiting, or `flushIntervalMs` after the first entry of a batch arrived
 * (the timer does not keep the process alive), or on {@link flush}/{@link close}. Adding never
 * awaits and never throws, so callers on a request path pay only for the entry itself.
 */
export class BatchHandler {
  /** Prints every entry before filtering (dev mode); undefined prints nothing. */
  print: ((entry: LogEntry) => void) | undefined
  readonly #options: BatchHandlerOptions
  readonly #batchSize: number
  readonly #interval: number
  #entries: LogEntry[] = []
  #timer: ReturnType<typeof setTimeout> | undefined
  #writing: Promise<void> = Promise.resolve()
  #closed = false

  constructor(options: BatchHandlerOptions) {
    this.#options = options
    this.#batchSize = Math.max(1, options.batchSize ?? 200)
    this.#interval = Math.max(1, options.flushIntervalMs ?? 3000)
  }

  /** The number of entries waiting to be written. */
  get pending(): number {
    return this.#entries.length
  }

  /** Buffers `entry` (after `print` and `accept`); starts a write when the batch is full. */
  add(entry: LogEntry): void {
    if (this.print !== undefined) {
      try {
        this.print(entry)
      } catch {
        // a broken printer must not break the caller
      }
    }
    if (this.#closed) return
    const accept = this.#options.accept
    if (accept !== undefined && !accept(entry)) return
    const n = this.#entries.push(entry)
    if (n >= this.#batchSize) {
      void this.flush()
    } else if (n === 1) {
      this.#timer = setTimeout(() => void this.flush(), this.#interval)
      this.#timer.unref?.()
    }
  }

  /** Writes every buffered entry; resolves when this and earlier writes have finished. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#entries.length > 0) {
      const batch = this.#entries
      this.#entries = []
      // NOTE: writes are chained so batches land in the order they were taken.
      this.#writing = this.#writing.then(() => this.#write(batch))
    }
    return this.#writing
  }

  /** Flushes and stops accepting entries (later entries are only printed). */
  async close(): Promise<void> {
    await this.flush()
    this.#closed = true
  }

  async #write(batch: LogEntry[]): Promise<void> {
    try {
      await this.#options.write(batch)
    } catch (err) {
      const report =
        this.#options.onWriteError ??
        ((e: unknown) => {
          process.stderr.write(`Failed to write ${batch.length} log entries: ${String(e)}\n`)
        })
      try {
        report(err, batch)
      } catch {
        // nothing left to report to
      }
    }
  }
}

/**
 * The arguments of a log call after the message, like Go slog's: either one attributes object
 * (`{id: 'x', n: 1}`) or alternating keys and values (`'id', 'x', 'n', 1`); a trailing key
 * without value is stored under `!BADKEY` as slog does.
 */
export type LogArgs = readonly unknown[]

/**
 * Logger is the app's structured logger (PocketBase `app.Logger()`, a `*slog.Logger`): `debug`,
 * `info`, `warn`, `error` at slog levels -4/0/4/8, attributes per call, bound with `with` and
 * nested with `withGroup`.
 * Error values become their message. Entries go to the shared {@link BatchHandler}.
 *
 * @example
 * app.logger().info('post created', { id: post.id })
 * app.logger().error('sync failed', 'error', err, 'attempt', 3)
 */
export class Logger {
  readonly handler: BatchHandler
  readonly #attrs: { [key: string]: unknown } | undefined
  readonly #group: readonly string[]

  constructor(
    handler: BatchHandler,
    attrs?: { [key: string]: unknown },
    group: readonly string[] = [],
  ) {
    this.handler = handler
    this.#attrs = attrs
    this.#group = group
  }

  /** Logs at DEBUG (-4). */
  debug(message: string, ...args: LogArgs): void {
    this.log(LOG_LEVEL.debug, message, ...args)
  }

  /** Logs at INFO (0). */
  info(message: string, ...args: LogArgs): void {
    this.log(LOG_LEVEL.info, message, ...args)
  }

  /** Logs at WARN (4). */
  warn(message: string, ...args: LogArgs): void {
    this.log(LOG_LEVEL.warn, message, ...args)
  }

  /** Logs at ERROR (8). */
  error(message: string, ...args: LogArgs): void {
    this.log(LOG_LEVEL.error, message, ...args)
  }

  /** Logs at any integer level. Never throws. */
  log(level: number, message: string, ...args: LogArgs): void {
    try {
      const data = this.#merge(args)
      this.handler.add({
        time: Date.now(),
        level: Math.trunc(Number(level)) || 0,
        message: String(message),
        data,
      })
    } catch {
      // NOTE: logging must never break the caller (e.g. an attribute whose getter throws).
    }
  }

  /** Returns a logger that adds `args` (same forms as a log call) to every entry. */
  with(...args: LogArgs): Logger {
    return new Logger(this.handler, this.#merge(args), this.#group)
  }

  /**
   * Returns a logger whose later attributes (of `with` and of log calls) are nested under
   * `name` (Go slog `WithGroup`); attributes bound before stay where they are.
   */
  withGroup(name: string): Logger {
    return name === '' ? this : new Logger(this.handler, this.#attrs, [...this.#group, name])
  }

  #merge(args: LogArgs): { [key: string]: unknown } {
    if (this.#group.length === 0) return collectAttrs(args, this.#attrs)
    const attrs = collectAttrs(args)
    const data: { [key: string]: unknown } = { ...this.#attrs }
    // NOTE: like slog, an empty group adds nothing.
    if (Object.keys(attrs).length === 0) return data
    let level = data
    for (const key of this.#group) {
      const existing = level[key]
      const next: { [key: string]: unknown } =
        typeof existing === 'object' && existing !== null && !Array.isArray(existing)
          ? { ...(existing as object) }
          : {}
      level[key] = next
      level = next
    }
    Object.assign(level, attrs)
    return data
  }

  /** Sets (or with undefined removes) the function printing every entry (dev mode). */
  setPrinter(print: ((entry: LogEntry) => void) | undefined): void {
    this.handler.print = print
  }

  /** Writes the buffered entries now; resolves once they are stored. */
  flush(): Promise<void> {
    return this.handler.flush()
  }
}

/**
 * Builds a plain data object from log call arguments (see {@link LogArgs}) over `base`.
 * @internal
 */
export function collectAttrs(
  args: LogArgs,
  base?: { readonly [key: string]: unknown },
): { [key: string]: unknown } {
  const data: { [key: string]: unknown } = base === undefined ? {} : { ...base }
  if (args.length === 1 && isPlainObject(args[0])) {
    for (const [k, v] of Object.entries(args[0] as object)) data[k] = normalizeValue(v)
    return data
  }
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]
    if (i + 1 >= args.length) {
      data['!BADKEY'] = normalizeValue(key)
      break
    }
    data[String(key)] = normalizeValue(args[i + 1])
  }
  return data
}

function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Error) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Errors become their message (PocketBase stores `err.Error()`); bigints become numbers. */
function normalizeValue(v: unknown): unknown {
  if (v instanceof Error) return v.message
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'function' || typeof v === 'symbol') return String(v)
  return v
}
