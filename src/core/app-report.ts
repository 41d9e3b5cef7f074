import { LOG_LEVEL } from '../tools/logger/logger.ts'
import type { App } from './app.ts'

export { LOG_LEVEL }

/**
 * Reports a background failure that no HTTP answer shows (e.g. an email that could not be
 * delivered; PocketBase `app.Logger().Error(...)`) through `app.logger()`: `data` =
 * `{...extra, error}` at `level` (default ERROR), buffered into `auxiliary.db` `_logs` like every
 * log (and printed with `--dev`). Never throws; async only for its callers' sake.
 */
export async function reportError(
  app: App,
  message: string,
  err: unknown,
  extra: { [key: string]: unknown } = {},
  level: number = LOG_LEVEL.error,
): Promise<void> {
  const error = err instanceof Error ? err.message : err === undefined ? '' : String(err)
  try {
    app.logger().log(level, message, error !== '' ? { ...extra, error } : extra)
  } catch {
    // NOTE: an app that was never bootstrapped has no logger; nothing to report to.
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
