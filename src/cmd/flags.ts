import { type Command, Help, Option } from 'commander'

/** The value kinds of PocketBase's flags (Go's `pflag` types). */
export type FlagKind = 'bool' | 'int' | 'string' | 'strings'

/** A bad flag or command on the command line; the message is pflag's/cobra's wording. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FlagError'
  }
}

const kinds = new WeakMap<Option, FlagKind>()

/**
 * Creates a commander option for a PocketBase-style flag `--name` of `kind` (its value is parsed
 * like Go: bools by `strconv.ParseBool`, ints by `strconv.ParseInt`, `strings` as a comma
 * separated list that repeats append to). Use it with {@link normalizeArgs}, which accepts Go's
 * forms (`--dev`, `--dev=false`, `--dir x`, `--dir=x`, `-dir=x`) and hands commander only
 * `--name=value`.
 */
export function flag(
  name: string,
  kind: FlagKind,
  description: string,
  defaultValue?: boolean | number | string | readonly string[],
): Option {
  const placeholder = kind === 'bool' ? '[bool]' : `<${kind}>`
  const opt = new Option(`--${name} ${placeholder}`, description)
  kinds.set(opt, kind)
  if (kind === 'bool') opt.argParser((v: string) => parseGoBool(v) ?? true)
  else if (kind === 'int') opt.argParser((v: string) => Number(v))
  else if (kind === 'strings') {
    let seen = false
    opt.argParser((v: string, previous: string[]) => {
      const items = splitList(v)
      // NOTE: like pflag's StringSlice, the first occurrence replaces the default, later ones append.
      const out = seen ? [...previous, ...items] : items
      seen = true
      return out
    })
  }
  if (defaultValue !== undefined) opt.default(defaultValue)
  return opt
}

/** Go's `strconv.ParseBool`; undefined when `v` is not one of its spellings. */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false
  return undefined
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/**
 * Rewrites `args` (argv after the executable and script) into the canonical `--name=value` form
 * commander parses, walking `program`'s commands like cobra: flags may come before or after the
 * command, a value flag takes the next argument when it has no `=value` (even one starting with a
 * dash, as pflag does), a bool flag never does (`serve --dev example.com` is a domain). `-h`,
 * `-v` and everything after `--` pass through.
 *
 * Throws FlagError with pflag's messages: `unknown flag: --nope`, `unknown shorthand flag: 'x'
 * in -x`, `flag needs an argument: --http`, `invalid argument "abc" for "--queryTimeout" flag:
 * strconv.ParseInt: parsing "abc": invalid syntax`, and cobra's `unknown command "x" for "satchel"`.
 */
export function normalizeArgs(program: Command, args: readonly string[]): string[] {
  const out: string[] = []
  let cmd = program
  let positionals = 0
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') {
      out.push(...args.slice(i))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      const sub = positionals === 0 ? findCommand(cmd, arg) : undefined
      if (sub !== undefined) cmd = sub
      else {
        if (cmd === program && program.commands.length > 0)
          throw new FlagError(`unknown command "${arg}" for "${program.name()}"`)
        positionals++
      }
      out.push(arg)
      continue
    }
    const doubleDash = arg.startsWith('--')
    const body = arg.slice(doubleDash ? 2 : 1)
    const eq = body.indexOf('=')
    const name = eq === -1 ? body : body.slice(0, eq)
    let value = eq === -1 ? undefined : body.slice(eq + 1)
    if (name === 'help' || name === 'h' || name === 'version' || name === 'v') {
      out.push(arg)
      continue
    }
    const opt = findOption(cmd, name)
    if (opt === undefined) {
      throw new FlagError(
        doubleDash ? `unknown flag: --${name}` : `unknown shorthand flag: '${name[0]}' in ${arg}`,
      )
    }
    const kind = kinds.get(opt) ?? (opt.required || opt.optional ? 'string' : 'bool')
    if (kind === 'bool') {
      if (value === undefined) value = 'true'
      if (parseGoBool(value) === undefined) {
        throw new FlagError(
          `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
        )
      }
    } else {
      if (value === undefined) {
        if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: --${name}`)
        value = args[++i]!
      }
      if (kind === 'int' && !/^[+-]?\d+$/.test(value)) {
        throw new FlagError(
          `invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`,
        )
      }
    }
    out.push(`--${name}=${value}`)
  }
  return out
}

function findCommand(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name))
}

/** The option `--name` of `cmd` or of one of its parents (global flags live on the program). */
function findOption(cmd: Command, name: string): Option | undefined {
  for (let c: Command | null = cmd; c !== null; c = c.parent) {
    const opt = c.options.find((o) => o.long === `--${name}`)
    if (opt !== undefined) return opt
  }
  return undefined
}

/**
 * Help settings (for commander's `configureHelp`) that print flags as pflag does: `--dev`,
 * `--dir string`, `--queryTimeout int`, `--origins strings`.
 */
export const goFlagsHelp: Partial<Help> = {
  showGlobalOptions: true,
  optionTerm(option: Option): string {
    const kind = kinds.get(option)
    if (kind === undefined) return Help.prototype.optionTerm.call(this, option)
    return kind === 'bool' ? option.long! : `${option.long} ${kind}`
  },
}
