import { Cron as Croner } from 'croner'

/**
 * A crontab-like scheduler (PocketBase `tools/cron`): jobs by id with a 5-field expression or a
 * macro, evaluated in UTC once a minute. The minute ticker and the expression matching are
 * croner's; this class adds PocketBase's job table (add replaces by id, remove, removeAll, jobs),
 * its stricter grammar, error isolation and an optional `claim` step so several processes
 * sharing one data dir run each scheduled minute of a job only once.
 */

/** PocketBase's macros (`tools/cron/schedule.go`), matched on the whole expression. */
const MACROS: Readonly<Record<string, string>> = Object.freeze({
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
})

/** Thrown by {@link parseSchedule} and {@link Cron.add} for an expression that does not parse. */
export class CronExpressionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'CronExpressionError'
  }
}

/** A parsed cron expression: which UTC minutes it matches. */
export class Schedule {
  /** The expression with a macro expanded (`@daily` → `0 0 * * *`), as PocketBase lists it. */
  readonly expression: string
  readonly #pattern: Croner

  constructor(expression: string, pattern: Croner) {
    this.expression = expression
    this.#pattern = pattern
  }

  /** True when the UTC minute holding `date` is one of the schedule's (seconds are ignored). */
  isDue(date: Date): boolean {
    return this.#pattern.match(new Date(Math.floor(date.getTime() / 60_000) * 60_000))
  }

  /** The first scheduled minute strictly after `from` (default now); null when there is none. */
  nextRun(from: Date = new Date()): Date | null {
    return this.#pattern.nextRun(from)
  }
}

/** The bounds of the 5 fields: minute, hour, day of month, month, day of week (0 = Sunday). */
const FIELD_RANGES: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
]

/** Go's `strconv.Atoi` (optional sign, decimal digits), with its error as a sentence. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) {
    throw new CronExpressionError(`Strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax.`)
  }
  return Number(s)
}

/** The values one field matches (PocketBase `parseCronSegment`), or its error. */
function fieldSlots(field: string, [min, max]: readonly [number, number]): Set<number> {
  const slots = new Set<number>()
  for (const part of field.split(',')) {
    const stepParts = part.split('/')
    let step = 1
    if (stepParts.length === 2) {
      step = atoi(stepParts[1]!)
      if (step < 1 || step > max) {
        throw new CronExpressionError(
          `Invalid segment step boundary - the step must be between 1 and the ${max}.`,
        )
      }
    } else if (stepParts.length > 2) {
      throw new CronExpressionError(
        'Invalid segment step format - must be in the format */n or 1-30/n.',
      )
    }
    let from = min
    let to = max
    if (stepParts[0] !== '*') {
      const range = stepParts[0]!.split('-')
      if (range.length === 1) {
        if (step !== 1) {
          throw new CronExpressionError(
            'Invalid segment step - step > 1 could be used only with the wildcard or range format.',
          )
        }
        from = atoi(range[0]!)
        if (from < min || from > max) {
          throw new CronExpressionError(
            'Invalid segment value - must be between the min and max of the segment.',
          )
        }
        to = from
      } else if (range.length === 2) {
        from = atoi(range[0]!)
        if (from < min || from > max) {
          throw new CronExpressionError(
            `Invalid segment range minimum - must be between ${min} and ${max}.`,
          )
        }
        to = atoi(range[1]!)
        if (to < from || to > max) {
          throw new CronExpressionError(
            `Invalid segment range maximum - must be between ${from} and ${max}.`,
          )
        }
      } else {
        throw new CronExpressionError(
          'Invalid segment range format - the range must have 1 or 2 parts.',
        )
      }
    }
    for (let v = from; v <= to; v += step) slots.add(v)
  }
  return slots
}

/**
 * Parses a cron expression exactly as PocketBase's `cron.NewSchedule` does: one of the macros
 * `@yearly @annually @monthly @weekly @daily @midnight @hourly`, or exactly 5 fields separated
 * by single spaces (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6 with
 * 0 = Sunday), each a comma list of `*`, `n`, `a-b`, `*∕n` or `a-b∕n`. Day of month and day of
 * week must both match (PocketBase's AND, unlike Vixie cron's OR). The matched values are handed
 * to croner as explicit lists, so croner's wider grammar (names, `L`, `W`, `#`, `?`, seconds)
 * never applies. Throws {@link CronExpressionError} with PocketBase's reason, as a sentence.
 */
export function parseSchedule(expression: string): Schedule {
  const expanded = MACROS[expression] ?? expression
  const fields = expanded.split(' ')
  if (fields.length !== 5) {
    throw new CronExpressionError(
      'Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.',
    )
  }
  const pattern = fields
    .map((field, i) => {
      const [min, max] = FIELD_RANGES[i]!
      const slots = fieldSlots(field, [min, max])
      return slots.size === max - min + 1 ? '*' : [...slots].sort((a, b) => a - b).join(',')
    })
    .join(' ')
  const croner = new Croner(pattern, {
    paused: true,
    timezone: 'UTC',
    mode: '5-part',
    domAndDow: true,
  })
  return new Schedule(expanded, croner)
}

/**
 * The sentence PocketBase's settings validation answers for an invalid cron expression (the
 * {@link CronExpressionError} message of {@link parseSchedule}); undefined when it is valid.
 */
export function cronExpressionError(expression: string): string | undefined {
  try {
    parseSchedule(expression)
    return undefined
  } catch (err) {
    if (err instanceof CronExpressionError) return err.message
    throw err
  }
}

/** What a job is told about its run. */
export interface CronRun {
  /** The tick the run was scheduled for; null for a manual run (`job.run()`, `POST /api/crons/{id}`). */
  readonly scheduledAt: Date | null
}

/** The work of a job; a returned promise is awaited (and its rejection reported). */
export type CronJobFn = (run: CronRun) => unknown

/** A registered job (PocketBase `cron.Job`); JSON `{"id","expression"}` like PocketBase's. */
export class CronJob {
  readonly id: string
  readonly schedule: Schedule
  readonly #fn: CronJobFn
  readonly #onError: (id: string, err: unknown) => void

  constructor(
    id: string,
    schedule: Schedule,
    fn: CronJobFn,
    onError: (id: string, err: unknown) => void,
  ) {
    this.id = id
    this.schedule = schedule
    this.#fn = fn
    this.#onError = onError
  }

  /** The job's expression (macros expanded). */
  get expression(): string {
    return this.schedule.expression
  }

  /**
   * Runs the job now (no claim: a manual run always runs here). Never rejects: an error of the
   * job goes to the scheduler's `onError`. `scheduledAt` is set by the ticker only.
   */
  async run(scheduledAt: Date | null = null): Promise<void> {
    try {
      await this.#fn({ scheduledAt })
    } catch (err) {
      try {
        this.#onError(this.id, err)
      } catch {
        // a failing error reporter must not break the scheduler either
      }
    }
  }

  toJSON(): { id: string; expression: string } {
    return { id: this.id, expression: this.expression }
  }
}

/** Options of {@link Cron}. */
export interface CronOptions {
  /**
   * Decides whether this process runs job `id` for the tick scheduled at `scheduledAt` (unix
   * ms, a whole multiple of the interval); resolve false when another process already took it.
   * Not called for manual runs. A claim that rejects is reported through `onError` and the run
   * is skipped.
   */
  readonly claim?: (id: string, scheduledAt: number) => Promise<boolean>
  /**
   * Awaited at each tick before the due jobs are chosen (e.g. to reload state that jobs are
   * scheduled from); a rejection is reported through `onError` (id `*`) and the tick goes on.
   */
  readonly beforeTick?: () => Promise<void>
  /** Receives what a job threw or rejected with (default: ignored). */
  readonly onError?: (id: string, err: unknown) => void
}

/**
 * Cron is the scheduler of one app (PocketBase `cron.Cron`, UTC, by default one tick per minute
 * at second 0). Jobs can be added before or after `start()`; `stop()` keeps the jobs and stops the ticker.
 *
 * @example
 * app.cron().add('hello', '*∕5 * * * *', async () => {
 *   await app.db.run('DELETE FROM tmp')
 * })
 */
export class Cron {
  readonly #jobs = new Map<string, CronJob>()
  readonly #options: CronOptions
  #ticker: Croner | undefined
  #intervalSeconds = 60

  constructor(options: CronOptions = {}) {
    this.#options = options
  }

  /**
   * Registers job `id` (replacing a job with the same id). Throws {@link CronExpressionError}
   * when `expression` does not parse (see {@link parseSchedule}) and TypeError without a `fn`.
   */
  add(id: string, expression: string, fn: CronJobFn): void {
    if (typeof fn !== 'function') throw new TypeError('A cron job needs a function to run.')
    const schedule = parseSchedule(expression)
    // NOTE: delete first so a replaced job moves to the end, like PocketBase's slice.
    this.#jobs.delete(id)
    this.#jobs.set(id, new CronJob(id, schedule, fn, (jobId, err) => this.#report(jobId, err)))
  }

  /** Removes job `id` (no-op when missing). */
  remove(id: string): void {
    this.#jobs.delete(id)
  }

  /** Removes every job. */
  removeAll(): void {
    this.#jobs.clear()
  }

  /** The registered jobs in registration order (a copy). */
  jobs(): CronJob[] {
    return [...this.#jobs.values()]
  }

  /** The job with `id`, or undefined. */
  job(id: string): CronJob | undefined {
    return this.#jobs.get(id)
  }

  /** The number of registered jobs. */
  get total(): number {
    return this.#jobs.size
  }

  /** True while the ticker runs. */
  get hasStarted(): boolean {
    return this.#ticker !== undefined
  }

  /** Seconds between ticks (default 60). */
  get intervalSeconds(): number {
    return this.#intervalSeconds
  }

  /**
   * Changes the tick interval (PocketBase `SetInterval`; it should usually stay 60): one of
   * 1-60 that divides 60, ticking on whole multiples of it. Each tick runs the jobs due in its
   * minute, so a shorter interval runs a due job on every tick of that minute, as in PocketBase.
   * A running ticker restarts. Throws RangeError for other values.
   */
  setInterval(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60 || 60 % seconds !== 0) {
      throw new RangeError('The cron interval must be a whole divisor of 60 seconds.')
    }
    this.#intervalSeconds = seconds
    if (this.hasStarted) this.start()
  }

  /**
   * Starts the ticker (restarts it when running). The timer does not keep the process alive on
   * its own (`unref`).
   */
  start(): void {
    this.stop()
    const every = this.#intervalSeconds
    const pattern = every === 60 ? '0 * * * * *' : `*/${every} * * * * *`
    this.#ticker = new Croner(
      pattern,
      { utcOffset: 0, mode: '6-part', unref: true, catch: true },
      (self: Croner) => {
        void this.runDue(self.currentRun() ?? new Date())
      },
    )
  }

  /** Stops the ticker; the jobs stay registered. */
  stop(): void {
    this.#ticker?.stop()
    this.#ticker = undefined
  }

  /**
   * Runs every job due in the UTC minute of the tick at `at` (what the ticker calls; tests call
   * it directly). With a `claim` option a job runs only when its claim for that tick succeeds.
   * Resolves when the started jobs have finished; never rejects.
   */
  async runDue(at: Date): Promise<void> {
    // NOTE: rounded to the tick, not floored: a timer that fires a few ms early still names its
    // tick, and processes ticking a few ms apart name the same one.
    const step = this.#intervalSeconds * 1000
    const scheduledAt = Math.round(at.getTime() / step) * step
    if (this.#options.beforeTick !== undefined) {
      try {
        await this.#options.beforeTick()
      } catch (err) {
        this.#report('*', err)
      }
    }
    const moment = new Date(scheduledAt)
    const due = this.jobs().filter((j) => j.schedule.isDue(moment))
    await Promise.all(due.map((j) => this.#runScheduled(j, scheduledAt)))
  }

  async #runScheduled(job: CronJob, scheduledAt: number): Promise<void> {
    const claim = this.#options.claim
    if (claim !== undefined) {
      try {
        if (!(await claim(job.id, scheduledAt))) return
      } catch (err) {
        this.#report(job.id, err)
        return
      }
    }
    await job.run(new Date(scheduledAt))
  }

  #report(id: string, err: unknown): void {
    this.#options.onError?.(id, err)
  }
}
