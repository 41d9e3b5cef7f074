import { afterEach, describe, expect, test, vi } from 'vitest'
import { BatchHandler, collectAttrs, type LogEntry, Logger } from './logger.ts'

function recorder(options: Partial<ConstructorParameters<typeof BatchHandler>[0]> = {}) {
  const batches: LogEntry[][] = []
  const handler = new BatchHandler({
    write: async (entries) => {
      batches.push(entries)
    },
    ...options,
  })
  return { batches, handler, logger: new Logger(handler) }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('BatchHandler', () => {
  test('writes nothing until flushed, then one batch in order', async () => {
    const { batches, logger } = recorder()
    logger.info('a')
    logger.warn('b')
    expect(batches).toHaveLength(0)
    await logger.flush()
    expect(batches.map((b) => b.map((e) => [e.level, e.message]))).toEqual([
      [
        [0, 'a'],
        [4, 'b'],
      ],
    ])
    await logger.flush()
    expect(batches).toHaveLength(1)
  })

  test('a full batch is written at once', async () => {
    const { batches, handler, logger } = recorder({ batchSize: 3 })
    for (let i = 0; i < 7; i++) logger.info(`m${i}`)
    await handler.flush()
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1])
  })

  test('the interval writes a waiting batch', async () => {
    vi.useFakeTimers()
    const { batches, logger } = recorder({ flushIntervalMs: 3000 })
    logger.error('late')
    await vi.advanceTimersByTimeAsync(2999)
    expect(batches).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(batches).toHaveLength(1)
  })

  test('accept filters entries; print sees every entry', async () => {
    const printed: string[] = []
    const { batches, handler, logger } = recorder({ accept: (e) => e.level >= 4 })
    handler.print = (e) => printed.push(e.message)
    logger.debug('d')
    logger.info('i')
    logger.warn('w')
    await logger.flush()
    expect(printed).toEqual(['d', 'i', 'w'])
    expect(batches.flat().map((e) => e.message)).toEqual(['w'])
  })

  test('a failing write is reported and the next batch still lands', async () => {
    const errors: string[] = []
    let fail = true
    const written: string[] = []
    const handler = new BatchHandler({
      write: async (entries) => {
        if (fail) throw new Error('disk full')
        written.push(...entries.map((e) => e.message))
      },
      onWriteError: (err, entries) => errors.push(`${String(err)}:${entries.length}`),
    })
    const logger = new Logger(handler)
    logger.info('lost')
    await logger.flush()
    fail = false
    logger.info('kept')
    await logger.flush()
    expect(errors).toEqual(['Error: disk full:1'])
    expect(written).toEqual(['kept'])
  })

  test('close writes the rest and ignores later entries', async () => {
    const { batches, handler, logger } = recorder()
    logger.info('last')
    await handler.close()
    logger.info('after close')
    await handler.flush()
    expect(batches.flat().map((e) => e.message)).toEqual(['last'])
  })
})

describe('Logger attributes', () => {
  test.each([
    ['an object', [{ a: 1, b: 'x' }], { a: 1, b: 'x' }],
    ['key/value pairs', ['a', 1, 'b', 'x'], { a: 1, b: 'x' }],
    ['a dangling key', ['a', 1, 'b'], { a: 1, '!BADKEY': 'b' }],
    ['an error value', ['error', new Error('boom')], { error: 'boom' }],
    ['a bigint', [{ n: 5n }], { n: 5 }],
    ['nothing', [], {}],
  ])('%s', (_name, args, expected) => {
    expect(collectAttrs(args)).toEqual(expected)
  })

  test('withGroup() nests later attributes like slog', async () => {
    const { batches, logger } = recorder()
    const g = logger.with('app', 'x').withGroup('req').with('id', 1)
    g.info('a', 'status', 200)
    g.withGroup('inner').info('b', 'k', 'v')
    logger.withGroup('empty').info('c')
    await logger.flush()
    expect(batches.flat().map((e) => e.data)).toEqual([
      { app: 'x', req: { id: 1, status: 200 } },
      { app: 'x', req: { id: 1, inner: { k: 'v' } } },
      {},
    ])
  })

  test('a throwing attribute never reaches the caller', async () => {
    const { batches, logger } = recorder()
    const bad = {
      get x(): never {
        throw new Error('getter')
      },
    }
    expect(() => logger.info('m', bad)).not.toThrow()
    logger.info('next')
    await logger.flush()
    expect(batches.flat().map((e) => e.message)).toEqual(['next'])
  })

  test('with() binds attributes to every entry of the child', async () => {
    const { batches, logger } = recorder()
    const child = logger.with('component', 'mailer')
    child.warn('retry', { attempt: 2 })
    logger.info('plain')
    await logger.flush()
    expect(batches.flat().map((e) => e.data)).toEqual([{ component: 'mailer', attempt: 2 }, {}])
  })
})
