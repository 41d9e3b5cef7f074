import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomString } from '../security/random.ts'
import {
  type ByteRange,
  type FileAttrs,
  FileNotFoundError,
  type FileObject,
  type FileSystem,
  type PutOptions,
} from './filesystem.ts'

const ATTRS_SUFFIX = '.attrs'

/** The JSON of a `.attrs` sidecar, keys in the order PocketBase (gocloud fileblob) writes them. */
interface AttrsJSON {
  'user.cache_control': string
  'user.content_disposition': string
  'user.content_encoding': string
  'user.content_language': string
  'user.content_type': string
  'user.metadata': { [key: string]: string } | null
  md5: string
}

/**
 * The local driver: blobs are files under `root` (`pb_data/storage`), each with a
 * `<file>.attrs` JSON sidecar byte-compatible with PocketBase's (content type, metadata,
 * base64 MD5). Writes go to a temporary file that is renamed into place.
 */
export class LocalFileSystem implements FileSystem {
  readonly root: string

  constructor(root: string) {
    this.root = root
  }

  #path(key: string): string {
    const clean = key.replace(/^\/+/, '')
    if (clean === '' || clean.split('/').some((s) => s === '..' || s === '.'))
      throw new Error(`Invalid file key "${key}".`)
    return join(this.root, ...clean.split('/'))
  }

  async put(key: string, source: Readable | Buffer, options: PutOptions = {}): Promise<void> {
    const path = this.#path(key)
    await mkdir(dirname(path), { recursive: true })
    const tmp = `${path}.${randomString(10)}.tmp`
    const md5 = createHash('md5')
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        md5.update(chunk)
        cb(null, chunk)
      },
    })
    try {
      const input = Buffer.isBuffer(source) ? Readable.from([source]) : source
      await pipeline(input, hasher, createWriteStream(tmp))
      const attrs: AttrsJSON = {
        'user.cache_control': '',
        'user.content_disposition': '',
        'user.content_encoding': '',
        'user.content_language': '',
        'user.content_type': options.contentType ?? '',
        'user.metadata': { ...(options.metadata ?? {}) },
        md5: md5.digest('base64'),
      }
      await writeFile(path + ATTRS_SUFFIX, JSON.stringify(attrs))
      await rename(tmp, path)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }

  async moveIn(key: string, path: string, options: PutOptions = {}): Promise<void> {
    const target = this.#path(key)
    await mkdir(dirname(target), { recursive: true })
    const md5 = createHash('md5')
    await pipeline(createReadStream(path), md5)
    const attrs: AttrsJSON = {
      'user.cache_control': '',
      'user.content_disposition': '',
      'user.content_encoding': '',
      'user.content_language': '',
      'user.content_type': options.contentType ?? '',
      'user.metadata': { ...(options.metadata ?? {}) },
      md5: md5.digest('base64'),
    }
    await writeFile(target + ATTRS_SUFFIX, JSON.stringify(attrs))
    try {
      await rename(path, target)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err
      // another disk: copy, then remove the source
      await this.put(key, createReadStream(path), options)
      await rm(path, { force: true })
    }
  }

  async attributes(key: string): Promise<FileAttrs> {
    const path = this.#path(key)
    let st: Awaited<ReturnType<typeof stat>>
    try {
      st = await stat(path)
    } catch {
      throw new FileNotFoundError(key)
    }
    if (!st.isFile()) throw new FileNotFoundError(key)
    let json: Partial<AttrsJSON> = {}
    try {
      json = JSON.parse(await readFile(path + ATTRS_SUFFIX, 'utf8')) as Partial<AttrsJSON>
    } catch {
      // NOTE: a blob without (or with a broken) sidecar is still served, like fileblob does.
    }
    return {
      contentType: json['user.content_type'] ?? '',
      cacheControl: json['user.cache_control'] ?? '',
      contentDisposition: json['user.content_disposition'] ?? '',
      contentEncoding: json['user.content_encoding'] ?? '',
      contentLanguage: json['user.content_language'] ?? '',
      metadata: json['user.metadata'] ?? {},
      md5: json.md5 ?? '',
      size: st.size,
      modTime: st.mtime,
    }
  }

  async get(key: string, range?: ByteRange): Promise<FileObject> {
    const attrs = await this.attributes(key)
    const body =
      range === undefined
        ? createReadStream(this.#path(key))
        : createReadStream(this.#path(key), {
            start: range.start,
            end: Math.min(range.end, attrs.size - 1),
          })
    return { attrs, body }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.#path(key))).isFile()
    } catch {
      return false
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key)
    await unlink(path).catch(ignoreMissing)
    await unlink(path + ATTRS_SUFFIX).catch(ignoreMissing)
  }

  async deletePrefix(prefix: string): Promise<void> {
    const clean = prefix.replace(/\/+$/, '')
    await rm(this.#path(clean), { recursive: true, force: true })
  }

  async list(prefix: string): Promise<string[]> {
    const clean = prefix.replace(/\/+$/, '')
    const base = clean === '' ? this.root : this.#path(clean)
    const out: string[] = []
    let entries: string[]
    try {
      entries = await readdir(base, { recursive: true })
    } catch {
      return out
    }
    for (const e of entries) {
      if (e.endsWith(ATTRS_SUFFIX) || e.endsWith('.tmp')) continue
      const full = join(base, e)
      if (!(await stat(full)).isFile()) continue
      out.push(relative(this.root, full).split(sep).join('/'))
    }
    return out.sort()
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true })
  }

  async close(): Promise<void> {}
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err
}
