import { randomString } from '../tools/security/random.ts'
import { formatDate } from '../tools/types/datetime.ts'
import type { App } from './app.ts'

/** Go slog levels as stored in `_logs.level`. */
export const LOG_LEVEL = { debug: -4, info: 0, warn: 4, error: 8 } as const

/**
 * Reports a background failure that no HTTP answer shows (e.g. an email that could not be
 * delivered; PocketBase `app.Logger().Error(...)`): one line on stderr, and a row in
 * `auxiliary.db` `_logs` (`level` 8/4, `message`, `data` = `{error, ...extra}`) unless
 * `settings.logs.maxDays` is 0 or `level` is below `settings.logs.minLevel`. Never throws.
 */
export async function reportError(
  app: App,
  message: string,
  err: unknown,
  extra: { [key: string]: unknown } = {},
  level: number = LOG_LEVEL.error,
): Promise<void> {
  const error = err instanceof Error ? err.message : err === undefined ? '' : String(err)
  const data = { ...extra, ...(error !== '' ? { error } : {}) }
  try {
    process.stderr.write(
      `${formatDate(new Date())} ${level >= 8 ? 'ERROR' : 'WARN'} ${message} ${JSON.stringify(data)}\n`,
    )
  } catch {
    // stderr closed
  }
  try {
    const logs = app.settings().logs
    if (logs.maxDays <= 0 || level < logs.minLevel) return
    const now = formatDate(new Date())
    await app.auxDb.run(
      `INSERT INTO ${app.auxDb.dialect.quoteIdent('_logs')} (id, level, message, data, created) VALUES (?, ?, ?, ?, ?)`,
      [randomString(15), level, message, JSON.stringify(data), now],
    )
  } catch {
    // NOTE: the logs database may be closed (shutdown) or busy; stderr already has the line.
  }
}

const pending = new WeakMap<object, Set<Promise<void>>>()

/**
 * Runs `task` in the background (PocketBase `routine.FireAndForget`): the caller does not wait,
 * and a rejection is reported with {@link reportError} under `message` instead of being lost.
 * {@link settleBackground} waits for the tasks still running (tests, shutdown).
 */
export function fireAndForget(
  app: App,
  message: string,
  task: () => Promise<void>,
  extra: { [key: string]: unknown } = {},
): void {
  let set = pending.get(app.state)
  if (set === undefined) {
    set = new Set()
    pending.set(app.state, set)
  }
  const tasks = set
  const p: Promise<void> = (async () => {
    try {
      await task()
    } catch (err) {
      await reportError(app, message, err, extra)
    }
  })().finally(() => tasks.delete(p))
  tasks.add(p)
}

/** Resolves when every background task started with {@link fireAndForget} on `app` has ended. */
export async function settleBackground(app: App): Promise<void> {
  const set = pending.get(app.state)
  while (set !== undefined && set.size > 0) await Promise.allSettled([...set])
}
