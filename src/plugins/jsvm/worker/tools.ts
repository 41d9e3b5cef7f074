import { spawnSync } from 'node:child_process'
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { UploadedFile } from '../../../tools/filesystem/uploaded-file.ts'
import { sentenize, snakeCase } from '../../../tools/inflector/inflector.ts'
import { decrypt, encrypt } from '../../../tools/security/encrypt.ts'
import { randomString, randomStringByRegex } from '../../../tools/security/random.ts'

type Json = { [key: string]: unknown }

// PocketBase's `$security`, `$os`, `$filepath`, `$inflector` and `$dbx` for JS hooks: pure
// helpers that run in the worker itself (no round trip to the app thread).

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url')

function signHs256(payload: Json, secret: string, durationSeconds: number): string {
  const claims = { ...payload }
  if (durationSeconds > 0) claims.exp = Math.floor(Date.now() / 1000) + Math.trunc(durationSeconds)
  const input = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

function decodeJwt(token: string): { input: string; sig: string; claims: Json } {
  const parts = String(token).split('.')
  if (parts.length !== 3) throw new Error('token is malformed')
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Json
  return { input: `${parts[0]}.${parts[1]}`, sig: parts[2]!, claims }
}

/** `$security`: random strings, hashes, HMACs, AES-GCM and HS256 JWTs. */
export const security = {
  randomString: (n: number) => randomString(n),
  randomStringWithAlphabet: (n: number, alphabet: string) => randomString(n, alphabet),
  randomStringByRegex: (pattern: string) => randomStringByRegex(pattern),
  pseudorandomString: (n: number) => randomString(n),
  pseudorandomStringWithAlphabet: (n: number, alphabet: string) => randomString(n, alphabet),
  md5: (s: string) => createHash('md5').update(s).digest('hex'),
  sha256: (s: string) => createHash('sha256').update(s).digest('hex'),
  sha512: (s: string) => createHash('sha512').update(s).digest('hex'),
  hs256: (s: string, secret: string) => createHmac('sha256', secret).update(s).digest('hex'),
  hs512: (s: string, secret: string) => createHmac('sha512', secret).update(s).digest('hex'),
  equal: (a: string, b: string) => {
    const x = Buffer.from(String(a))
    const y = Buffer.from(String(b))
    return x.length === y.length && timingSafeEqual(x, y)
  },
  encrypt: (data: string, key: string) => encrypt(String(data), key),
  decrypt: (cipher: string, key: string) => decrypt(cipher, key),
  createJWT: (payload: Json, secret: string, durationSeconds: number) =>
    signHs256(payload, secret, durationSeconds),
  parseUnverifiedJWT: (token: string) => decodeJwt(token).claims,
  parseJWT: (token: string, secret: string) => {
    const { input, sig, claims } = decodeJwt(token)
    const want = createHmac('sha256', secret).update(input).digest('base64url')
    if (!security.equal(want, sig)) throw new Error('signature is invalid')
    if (typeof claims.exp === 'number' && claims.exp < Date.now() / 1000) {
      throw new Error('token is expired')
    }
    return claims
  },
}

/**
 * A command to run (Go's `exec.Cmd`, as PocketBase's `$os.cmd(name, ...args)` returns it): `dir`
 * and `env` (`"KEY=value"` strings, default this process's environment) may be set before one of
 * `run()`, `output()` (stdout) or `combinedOutput()` (stdout then stderr), which run it to the
 * end, synchronously, without a shell. A failure throws Go's message (`exit status 3`).
 */
class JsCmd {
  readonly path: string
  readonly args: string[]
  dir = ''
  env: string[] | null = null

  constructor(name: string, args: readonly unknown[]) {
    this.path = String(name)
    this.args = [this.path, ...args.map(String)]
  }

  #exec(stderr: 'inherit' | 'pipe'): { stdout: Buffer; stderr: Buffer } {
    const env =
      this.env === null
        ? undefined
        : Object.fromEntries(
            this.env.map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]),
          )
    const r = spawnSync(this.path, this.args.slice(1), {
      cwd: this.dir || undefined,
      env,
      stdio: ['ignore', 'pipe', stderr],
      maxBuffer: 64 * 1024 * 1024,
    })
    if (r.error !== undefined) {
      const code = (r.error as NodeJS.ErrnoException).code
      throw new Error(
        code === 'ENOENT'
          ? `exec: "${this.path}": executable file not found in $PATH`
          : r.error.message,
      )
    }
    if (r.status !== 0) {
      throw new Error(r.signal ? `signal: ${r.signal}` : `exit status ${r.status}`)
    }
    return { stdout: r.stdout, stderr: r.stderr ?? Buffer.alloc(0) }
  }

  run(): void {
    this.#exec('inherit')
  }

  output(): number[] {
    return [...this.#exec('inherit').stdout]
  }

  combinedOutput(): number[] {
    // NOTE: stdout then stderr (Go interleaves them as written; separate pipes cannot)
    const r = this.#exec('pipe')
    return [...r.stdout, ...r.stderr]
  }

  string(): string {
    return this.args.join(' ')
  }
}

/** `$os`: environment, files and folders (Go's `os` package as PocketBase exposes it). */
export const os = {
  cmd: (name: string, ...args: unknown[]) => new JsCmd(name, args),
  /** PocketBase's older name of `cmd`. */
  exec: (name: string, ...args: unknown[]) => new JsCmd(name, args),
  // biome-ignore lint/style/noProcessEnv: PocketBase's $os.getenv reads the environment
  getenv: (key: string) => process.env[key] ?? '',
  readFile: (file: string) => readFileSync(file),
  writeFile: (file: string, data: string | Uint8Array) => writeFileSync(file, data),
  readDir: (dir: string) =>
    readdirSync(dir, { withFileTypes: true }).map((d) => ({
      name: () => d.name,
      isDir: () => d.isDirectory(),
    })),
  mkdir: (dir: string) => mkdirSync(dir),
  mkdirAll: (dir: string) => void mkdirSync(dir, { recursive: true }),
  remove: (p: string) => rmSync(p),
  removeAll: (p: string) => rmSync(p, { recursive: true, force: true }),
  rename: (from: string, to: string) => renameSync(from, to),
  stat: (p: string) => {
    const s = statSync(p)
    return { name: () => path.basename(p), size: () => s.size, isDir: () => s.isDirectory() }
  },
  tempDir: () => tmpdir(),
  getwd: () => process.cwd(),
  args: process.argv.slice(1),
}

/** `$filepath`: Go's `path/filepath`. */
export const filepath = {
  base: (p: string) => path.basename(p),
  clean: (p: string) => path.normalize(p).replace(/(.)\/$/, '$1'),
  dir: (p: string) => path.dirname(p),
  ext: (p: string) => path.extname(p),
  join: (...parts: string[]) => path.join(...parts),
  isAbs: (p: string) => path.isAbsolute(p),
  rel: (from: string, to: string) => path.relative(from, to),
  split: (p: string) => [`${path.dirname(p)}/`, path.basename(p)],
  splitList: (p: string) => (p === '' ? [] : p.split(path.delimiter)),
  toSlash: (p: string) => p,
  fromSlash: (p: string) => p,
  match: (pattern: string, name: string) => path.matchesGlob(name, pattern),
}

/** `$inflector`: PocketBase's string helpers. */
export const inflector = {
  ucFirst: (s: string) => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1)),
  sentenize: (s: string) => sentenize(s),
  snakecase: (s: string) => snakeCase(s),
  columnify: (s: string) => s.replace(/[^\w.*]/g, '_'),
  sanitize: (s: string, pattern: string) => s.replace(new RegExp(pattern, 'g'), ''),
  camelize: (s: string) =>
    s
      .split(/[^0-9A-Za-z]+/)
      .filter((w) => w !== '')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(''),
}

/** A query expression built with `$dbx` (compiled to SQL on the app thread, see `dbx.ts`). */
export interface DbxExpr {
  readonly __dbx: string
  readonly [key: string]: unknown
}

const expr = (kind: string, props: Json): DbxExpr => ({ __dbx: kind, ...props })

/** `$dbx`: the query expressions of PocketBase's dbx (`exp`, `hashExp`, `and`, `in`, `like`…). */
export const dbx = {
  exp: (sql: string, params: Json = {}) => expr('exp', { sql, params }),
  hashExp: (map: Json) => expr('hash', { map }),
  and: (...exprs: DbxExpr[]) => expr('and', { exprs }),
  or: (...exprs: DbxExpr[]) => expr('or', { exprs }),
  not: (e: DbxExpr) => expr('not', { e }),
  in: (col: string, ...values: unknown[]) => expr('in', { col, values }),
  notIn: (col: string, ...values: unknown[]) => expr('in', { col, values, not: true }),
  like: (col: string, ...values: string[]) => expr('like', { col, values }),
  notLike: (col: string, ...values: string[]) => expr('like', { col, values, not: true }),
  orLike: (col: string, ...values: string[]) => expr('like', { col, values, or: true }),
  orNotLike: (col: string, ...values: string[]) =>
    expr('like', { col, values, not: true, or: true }),
  exists: (e: DbxExpr) => expr('exists', { e }),
  notExists: (e: DbxExpr) => expr('exists', { e, not: true }),
  between: (col: string, from: unknown, to: unknown) => expr('between', { col, from, to }),
  notBetween: (col: string, from: unknown, to: unknown) =>
    expr('between', { col, from, to, not: true }),
}

/**
 * `$filesystem`: files to set on a record's file field (`record.set("doc", file)`), uploaded
 * when the record is saved. Their content is read into memory.
 */
export const filesystem = {
  fileFromPath: (file: string) => UploadedFile.fromBuffer(path.basename(file), readFileSync(file)),
  fileFromBytes: (bytes: string | Uint8Array | number[], name: string) =>
    UploadedFile.fromBuffer(String(name), Buffer.from(bytes as Uint8Array)),
}
