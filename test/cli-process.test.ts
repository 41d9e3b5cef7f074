// The `satchel` command line as operating-system processes, side by side with PocketBase 0.40:
// the same commands on two fresh data dirs must print the same text on the same stream and exit
// with the same code (Go's log timestamp prefix aside).
import { afterAll, describe, expect, test } from 'vitest'
import {
  cleanupAll,
  makeTempDir,
  nodeExecutable,
  pocketBaseExecutable,
  SATCHEL_BIN,
  spawnProcess,
} from '../src/tests/process.ts'

afterAll(() => {
  cleanupAll()
})

interface Outcome {
  code: number | string
  stdout: string
  stderr: string
}

/** Runs one command to completion; the timestamp of Go log lines is replaced by `<ts>`. */
async function run(command: string, args: string[]): Promise<Outcome> {
  const proc = spawnProcess(command, args)
  let stdout = ''
  let stderr = ''
  proc.child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString()
  })
  proc.child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  const timer = setTimeout(() => void proc.stop('SIGKILL'), 30_000)
  const code = await proc.exited
  clearTimeout(timer)
  const ts = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /gm
  return { code, stdout: stdout.replace(ts, '<ts> '), stderr: stderr.replace(ts, '<ts> ') }
}

const satchelDir = makeTempDir('satchel-cli-')
const pbDir = makeTempDir('satchel-cli-pb-')
const satchel = (args: string[]) =>
  run(nodeExecutable(), [SATCHEL_BIN, ...args, `--dir=${satchelDir}`])
const pocketbase = (args: string[]) => run(pocketBaseExecutable(), [...args, `--dir=${pbDir}`])

describe('satchel CLI vs PocketBase 0.40.4', () => {
  // Run in order: each command sees the data dir the previous ones left.
  const cases: [string[], Partial<Outcome>][] = [
    [['serve', '--nope'], { code: 1, stderr: '<ts> unknown flag: --nope\n' }],
    [
      ['serve', '--dev=maybe'],
      {
        code: 1,
        stderr:
          '<ts> invalid argument "maybe" for "--dev" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n',
      },
    ],
    [['nope'], { code: 1, stderr: '<ts> unknown command "nope" for "satchel"\n' }],
    [['superuser', 'create'], { code: 1, stderr: '<ts> missing email and password arguments\n' }],
    [
      ['superuser', 'create', 'bad', '1234567890'],
      { code: 1, stderr: '<ts> missing or invalid email address\n' },
    ],
    [
      ['superuser', 'create', 'a@b.co', '123'],
      {
        code: 1,
        stderr:
          '<ts> failed to create new superuser account: password: Must be at least 8 character(s).\n',
      },
    ],
    [
      ['superuser', 'create', 'a@b.co', '1234567890'],
      { code: 0, stdout: 'Successfully created new superuser "a@b.co"!\n' },
    ],
    [
      ['superuser', 'create', 'a@b.co', '1234567890'],
      {
        code: 1,
        stderr: '<ts> failed to create new superuser account: email: Value must be unique.\n',
      },
    ],
    [
      ['superuser', 'update', 'z@b.co', '1234567890'],
      { code: 1, stderr: '<ts> superuser with email "z@b.co" doesn\'t exist\n' },
    ],
    [
      ['superuser', 'upsert', 'a@b.co', '1234567891'],
      { code: 0, stdout: 'Successfully saved superuser "a@b.co"!\n' },
    ],
    [
      ['superuser', 'delete', 'z@b.co'],
      { code: 0, stdout: 'superuser "z@b.co" is missing or already deleted\n' },
    ],
    [
      ['superuser', 'otp', 'a@b.co'],
      { code: 1, stderr: '<ts> OTP auth is not enabled for the _superusers collection\n' },
    ],
    [
      ['superuser', 'ips', '1.2.3.4', '10.0.0.0/8'],
      {
        code: 0,
        stdout: 'Successfully updated SuperuserIPs setting:\n├─ 1.2.3.4\n└─ 10.0.0.0/8\n',
      },
    ],
    [['superuser', 'ips'], { code: 0, stdout: 'Successfully cleared SuperuserIPs setting!\n' }],
  ]

  test('same messages, streams and exit codes', { timeout: 240_000 }, async () => {
    for (const [args, expected] of cases) {
      const [ours, theirs] = await Promise.all([satchel(args), pocketbase(args)])
      const want = { stdout: '', stderr: '', ...expected }
      expect({ args, ...ours }).toEqual({ args, ...want })
      // the oracle says the same (cobra names its executable "base")
      const pbWant = { ...want, stderr: want.stderr.replace('"satchel"', '"base"') }
      expect({ args, ...theirs }).toEqual({ args, ...pbWant })
    }
  })
})
