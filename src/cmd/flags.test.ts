import type { Command } from 'commander'
import { describe, expect, test } from 'vitest'
import { createCli } from '../pocketbase.ts'
import { normalizeArgs, parseGoBool } from './flags.ts'

/** Parses `args` with the real CLI (actions replaced) and returns the options seen by `serve`. */
async function parseServe(args: string[]): Promise<{ opts: object; domains: string[] }> {
  const program = createCli()
  const serve = program.commands.find((c) => c.name() === 'serve')!
  let seen: { opts: object; domains: string[] } | undefined
  serve.action((domains: string[], _o: unknown, cmd: Command) => {
    seen = { opts: cmd.optsWithGlobals(), domains }
  })
  await program.parseAsync(normalizeArgs(program, args), { from: 'user' })
  return seen!
}

describe('normalizeArgs: Go flag forms', () => {
  test.each([
    ['--dev', { dev: true }],
    ['--dev=false', { dev: false }],
    ['--dev=0', { dev: false }],
    ['--dev=T', { dev: true }],
    ['-dev', { dev: true }],
    ['--indexFallback=false', { indexFallback: false }],
    ['--automigrate=f', { automigrate: false }],
  ])('bool %s', async (arg, expected) => {
    expect((await parseServe(['serve', arg])).opts).toMatchObject(expected)
  })

  test('value flags: --flag value, --flag=value, -flag value, -flag=value, before or after the command', async () => {
    const { opts } = await parseServe([
      '--dir',
      '/a',
      'serve',
      '-publicDir=/p',
      '--http=127.0.0.1:1',
      '-queryTimeout',
      '5',
      '--hooksPool=3',
      '--migrationsDir',
      '/m',
    ])
    expect(opts).toMatchObject({
      dir: '/a',
      publicDir: '/p',
      http: '127.0.0.1:1',
      queryTimeout: 5,
      hooksPool: 3,
      migrationsDir: '/m',
    })
  })

  test('defaults are PocketBase’s', async () => {
    const { opts } = await parseServe(['serve'])
    expect(opts).toMatchObject({
      dir: 'pb_data',
      queryTimeout: 30,
      indexFallback: true,
      hooksWatch: true,
      hooksPool: 15,
      automigrate: true,
      origins: ['*'],
    })
    expect(opts).not.toHaveProperty('dev')
  })

  test('a bool flag never takes the next argument; a value flag always does', async () => {
    expect(await parseServe(['serve', '--dev', 'example.com'])).toMatchObject({
      opts: { dev: true },
      domains: ['example.com'],
    })
    // like pflag: the value may start with dashes
    expect((await parseServe(['serve', '--http', '--dev'])).opts).toMatchObject({ http: '--dev' })
  })

  test('--origins is a comma list; repeats append, the first replaces the default', async () => {
    const { opts } = await parseServe([
      'serve',
      '--origins=https://a.com, https://b.com',
      '--origins',
      'https://c.com',
    ])
    expect(opts).toMatchObject({ origins: ['https://a.com', 'https://b.com', 'https://c.com'] })
  })

  test.each([
    [['serve', '--nope'], 'unknown flag: --nope'],
    [['--nope'], 'unknown flag: --nope'],
    [['serve', '-x'], "unknown shorthand flag: 'x' in -x"],
    [['serve', '--workers=2', '--tlsKeyy=a'], 'unknown flag: --tlsKeyy'],
    [['superuser', 'create', '--http=1'], 'unknown flag: --http'],
    [['serve', '--http'], 'flag needs an argument: --http'],
    [
      ['serve', '--dev=maybe'],
      'invalid argument "maybe" for "--dev" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ['serve', '--queryTimeout=1.5'],
      'invalid argument "1.5" for "--queryTimeout" flag: strconv.ParseInt: parsing "1.5": invalid syntax',
    ],
    [['nope'], 'unknown command "nope" for "satchel"'],
  ])('%j → %s', (args, message) => {
    expect(() => normalizeArgs(createCli(), args)).toThrow(message)
  })

  test('everything after -- passes through untouched', () => {
    expect(normalizeArgs(createCli(), ['serve', '--', '--nope'])).toEqual(['serve', '--', '--nope'])
  })

  test('parseGoBool accepts exactly strconv.ParseBool’s spellings', () => {
    for (const v of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(v)).toBe(true)
    for (const v of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(v)).toBe(false)
    for (const v of ['yes', 'tRUE', '', 'on']) expect(parseGoBool(v)).toBeUndefined()
  })
})
