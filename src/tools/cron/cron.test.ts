import { describe, expect, test } from 'vitest'
import { Cron, CronExpressionError, cronExpressionError, parseSchedule } from './cron.ts'

const at = (iso: string) => new Date(iso)

describe('parseSchedule', () => {
  test.each([
    ['* * * * *', '2026-03-04T10:05:30Z', '2026-03-04T10:06:00.000Z'],
    ['0 0 * * *', '2026-03-04T10:05:00Z', '2026-03-05T00:00:00.000Z'],
    ['0 */6 * * *', '2026-03-04T10:05:00Z', '2026-03-04T12:00:00.000Z'],
    ['2 * * * *', '2026-03-04T10:05:00Z', '2026-03-04T11:02:00.000Z'],
    ['1-30/10 * * * *', '2026-03-04T10:05:00Z', '2026-03-04T10:11:00.000Z'],
    ['5,7 * * * *', '2026-03-04T10:05:00Z', '2026-03-04T10:07:00.000Z'],
    // day of month AND day of week (PocketBase), not OR: the next 1st that is a Monday
    ['0 0 1 * 1', '2026-01-01T00:00:30Z', '2026-06-01T00:00:00.000Z'],
    ['@yearly', '2026-03-04T10:05:00Z', '2027-01-01T00:00:00.000Z'],
    ['@annually', '2026-03-04T10:05:00Z', '2027-01-01T00:00:00.000Z'],
    ['@monthly', '2026-03-04T10:05:00Z', '2026-04-01T00:00:00.000Z'],
    ['@weekly', '2026-03-04T10:05:00Z', '2026-03-08T00:00:00.000Z'],
    ['@daily', '2026-03-04T10:05:00Z', '2026-03-05T00:00:00.000Z'],
    ['@midnight', '2026-03-04T10:05:00Z', '2026-03-05T00:00:00.000Z'],
    ['@hourly', '2026-03-04T10:05:00Z', '2026-03-04T11:00:00.000Z'],
  ])('%s after %s runs at %s (UTC)', (expr, from, next) => {
    const s = parseSchedule(expr)
    expect(s.expression).toBe(expr.startsWith('@') ? s.expression : expr)
    expect(s.nextRun(at(from))?.toISOString()).toBe(next)
  })

  test.each([
    // what PocketBase's parser also accepts (Go's Atoi takes a sign and leading zeros)
    ['+5 * * * *', '2026-03-04T10:05:00Z', '2026-03-04T11:05:00.000Z'],
    ['05 * * * *', '2026-03-04T10:05:00Z', '2026-03-04T11:05:00.000Z'],
    ['5/1 * * * *', '2026-03-04T10:05:00Z', '2026-03-04T11:05:00.000Z'],
    ['*/59 * * * *', '2026-03-04T10:05:00Z', '2026-03-04T10:59:00.000Z'],
    ['0 0 * * 0-6/3', '2026-03-04T10:05:00Z', '2026-03-07T00:00:00.000Z'],
  ])('accepts %s like PocketBase (after %s: %s)', (expr, from, next) => {
    expect(parseSchedule(expr).nextRun(at(from))?.toISOString()).toBe(next)
  })

  test.each([
    [
      '* * * *',
      'Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.',
    ],
    ['60 * * * *', 'Invalid segment value - must be between the min and max of the segment.'],
    ['*/60 * * * *', 'Invalid segment step boundary - the step must be between 1 and the 59.'],
    [
      '5/2 * * * *',
      'Invalid segment step - step > 1 could be used only with the wildcard or range format.',
    ],
    ['1/2/3 * * * *', 'Invalid segment step format - must be in the format */n or 1-30/n.'],
    ['* 5-3 * * *', 'Invalid segment range maximum - must be between 5 and 23.'],
    ['* * 0-3 * *', 'Invalid segment range minimum - must be between 1 and 31.'],
    ['1-2-3 * * * *', 'Invalid segment range format - the range must have 1 or 2 parts.'],
    ['* * * * MON', 'Strconv.Atoi: parsing "MON": invalid syntax.'],
  ])('%j: %s (PocketBase’s reason)', (expr, message) => {
    expect(() => parseSchedule(expr)).toThrow(message)
    expect(cronExpressionError(expr)).toBe(message)
  })

  test('macros are listed expanded, like PocketBase', () => {
    expect(parseSchedule('@daily').expression).toBe('0 0 * * *')
    expect(parseSchedule('@weekly').expression).toBe('0 0 * * 0')
  })

  test('isDue ignores the seconds of the moment', () => {
    const s = parseSchedule('5 10 * * *')
    expect(s.isDue(at('2026-03-04T10:05:00Z'))).toBe(true)
    expect(s.isDue(at('2026-03-04T10:05:59Z'))).toBe(true)
    expect(s.isDue(at('2026-03-04T10:06:00Z'))).toBe(false)
  })

  test.each([
    '',
    '* * * *',
    '* * * * * *',
    ' * * * * *',
    '*  * * * *',
    '@every 5m',
    '@reboot',
    '60 * * * *',
    '* 24 * * *',
    '* * 0 * *',
    '* * * 13 *',
    '* * * * 7',
    '* * * * MON',
    '* * * JAN *',
    '* * L * *',
    '? * * * *',
    '5/2 * * * *',
    '*/61 * * * *',
    '10-5 * * * *',
    'a * * * *',
  ])('refuses %j', (expr) => {
    expect(() => parseSchedule(expr)).toThrow(CronExpressionError)
  })
})

describe('Cron', () => {
  test('add replaces a job with the same id; remove, removeAll, jobs, JSON', () => {
    const c = new Cron()
    c.add('b', '* * * * *', () => {})
    c.add('a', '@daily', () => {})
    c.add('b', '0 * * * *', () => {})
    expect(JSON.parse(JSON.stringify(c.jobs()))).toEqual([
      { id: 'a', expression: '0 0 * * *' },
      { id: 'b', expression: '0 * * * *' },
    ])
    c.remove('a')
    c.remove('missing')
    expect(c.jobs().map((j) => j.id)).toEqual(['b'])
    c.removeAll()
    expect(c.total).toBe(0)
  })

  test('an invalid expression throws and keeps the previous job', () => {
    const c = new Cron()
    c.add('a', '* * * * *', () => {})
    expect(() => c.add('a', 'nope', () => {})).toThrow(CronExpressionError)
    expect(c.job('a')?.expression).toBe('* * * * *')
  })

  test('runDue runs only the jobs due in that UTC minute', async () => {
    const c = new Cron()
    const ran: string[] = []
    c.add('hourly', '0 * * * *', () => ran.push('hourly'))
    c.add('daily', '0 0 * * *', () => ran.push('daily'))
    c.add('async', '0 * * * *', async () => {
      await Promise.resolve()
      ran.push('async')
    })
    await c.runDue(at('2026-03-04T10:00:00.010Z'))
    expect(ran.sort()).toEqual(['async', 'hourly'])
    ran.length = 0
    // a tick a few ms early still names the minute it was scheduled for
    await c.runDue(at('2026-03-04T23:59:59.995Z'))
    expect(ran.sort()).toEqual(['async', 'daily', 'hourly'])
    ran.length = 0
    await c.runDue(at('2026-03-04T10:01:00Z'))
    expect(ran).toEqual([])
  })

  test('a job that throws or rejects is reported, not fatal', async () => {
    const errors: [string, string][] = []
    const c = new Cron({ onError: (id, err) => errors.push([id, (err as Error).message]) })
    let ok = 0
    c.add('throws', '* * * * *', () => {
      throw new Error('boom')
    })
    c.add('rejects', '* * * * *', async () => {
      throw new Error('late boom')
    })
    c.add('ok', '* * * * *', () => ok++)
    await c.runDue(new Date())
    await c.job('throws')?.run()
    expect(ok).toBe(1)
    expect(errors.sort()).toEqual([
      ['rejects', 'late boom'],
      ['throws', 'boom'],
      ['throws', 'boom'],
    ])
  })

  test('claim decides per job and minute; manual runs are not claimed', async () => {
    const claims: string[] = []
    const taken = new Set<string>()
    const claim = async (id: string, scheduledAt: number) => {
      const key = `${id}@${scheduledAt}`
      claims.push(key)
      if (taken.has(key)) return false
      taken.add(key)
      return true
    }
    const a = new Cron({ claim })
    const b = new Cron({ claim })
    let runs = 0
    for (const c of [a, b]) c.add('job', '* * * * *', () => runs++)
    const tick = at('2026-03-04T10:00:00Z')
    await Promise.all([a.runDue(tick), b.runDue(new Date(tick.getTime() + 3))])
    expect(runs).toBe(1)
    expect(claims).toEqual([`job@${tick.getTime()}`, `job@${tick.getTime()}`])
    let manual: Date | null | undefined
    a.add('manual', '0 0 1 1 *', (run) => {
      manual = run.scheduledAt
    })
    await a.job('manual')?.run()
    expect(manual).toBeNull()
    await a.job('job')?.run()
    expect(runs).toBe(2)
    expect(claims).toHaveLength(2)
  })

  test('beforeTick runs before the due jobs are chosen; its failure is reported', async () => {
    const errors: string[] = []
    let fail = false
    const c = new Cron({
      beforeTick: async () => {
        if (fail) throw new Error('reload failed')
        c.add('late', '* * * * *', () => ran.push('late'))
      },
      onError: (id, err) => errors.push(`${id}: ${(err as Error).message}`),
    })
    const ran: string[] = []
    await c.runDue(new Date())
    expect(ran).toEqual(['late'])
    fail = true
    await c.runDue(new Date())
    expect(ran).toEqual(['late', 'late'])
    expect(errors).toEqual(['*: reload failed'])
  })

  test('a failing claim skips the run and is reported', async () => {
    const errors: string[] = []
    const c = new Cron({
      claim: async () => {
        throw new Error('db closed')
      },
      onError: (id, err) => errors.push(`${id}: ${(err as Error).message}`),
    })
    let runs = 0
    c.add('job', '* * * * *', () => runs++)
    await c.runDue(new Date())
    expect(runs).toBe(0)
    expect(errors).toEqual(['job: db closed'])
  })

  test('a shorter interval runs a due job on every tick of its minute (PocketBase)', async () => {
    const c = new Cron({ claim: async () => true })
    const seen: number[] = []
    const claimed: number[] = []
    const d = new Cron({
      claim: async (_id, scheduledAt) => {
        claimed.push(scheduledAt)
        return true
      },
    })
    d.setInterval(5)
    d.add('job', '10 * * * *', (run) => seen.push(run.scheduledAt?.getTime() ?? 0))
    await d.runDue(at('2026-03-04T10:10:04.998Z'))
    await d.runDue(at('2026-03-04T10:10:10.003Z'))
    await d.runDue(at('2026-03-04T10:11:00.000Z'))
    expect(seen).toEqual(claimed)
    expect(claimed).toEqual([
      at('2026-03-04T10:10:05Z').getTime(),
      at('2026-03-04T10:10:10Z').getTime(),
    ])
    expect(() => c.setInterval(7)).toThrow(RangeError)
    expect(() => c.setInterval(0)).toThrow(RangeError)
    expect(c.intervalSeconds).toBe(60)
  })

  test('the ticker fires and runs due jobs', async () => {
    const c = new Cron()
    c.setInterval(1)
    const ran = new Promise<void>((resolve) => c.add('every', '* * * * *', () => resolve()))
    c.start()
    try {
      await ran
    } finally {
      c.stop()
    }
  })

  test('start and stop the ticker', () => {
    const c = new Cron()
    expect(c.hasStarted).toBe(false)
    c.start()
    c.start()
    expect(c.hasStarted).toBe(true)
    c.stop()
    expect(c.hasStarted).toBe(false)
  })
})
