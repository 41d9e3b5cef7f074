import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import { SNIFF_BYTES } from '../filesystem/mime.ts'
import { UploadedFile } from '../filesystem/uploaded-file.ts'
import { randomString } from '../security/random.ts'

/** Limits of `parseForm` (bytes / counts). */
export interface FormLimits {
  /** Max bytes of one non-file value (default 32 MiB). */
  readonly fieldSize?: number
  /** Max number of parts (default 10 000). */
  readonly parts?: number
}

/** A parsed multipart or urlencoded body: string values in order, files by part name. */
export interface ParsedForm {
  readonly values: [name: string, value: string][]
  readonly files: Map<string, UploadedFile[]>
  /** Removes the temporary files (safe to call more than once). */
  cleanup(): Promise<void>
}

/** Thrown for a malformed form or a value over the limits (the API answers 400). */
export class FormParseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'FormParseError'
  }
}

/**
 * Streams a `multipart/form-data` or `application/x-www-form-urlencoded` body: values are kept
 * (up to `fieldSize` each), file parts are written to temporary files under `tempDir` as they
 * arrive (never held in memory whole) with their first bytes kept for content sniffing. On any
 * error the temporary files are removed and FormParseError (or the stream's error) is thrown.
 */
export async function parseForm(
  body: Readable,
  headers: { [key: string]: string },
  tempDir: string,
  limits: FormLimits = {},
): Promise<ParsedForm> {
  const dir = join(tempDir, `upload_${randomString(12)}`)
  const values: [string, string][] = []
  const files = new Map<string, UploadedFile[]>()
  let dirCreated = false
  let mkdirDone: Promise<void> | undefined
  const cleanup = async () => {
    if (dirCreated) await rm(dir, { recursive: true, force: true })
  }
  let bb: busboy.Busboy
  try {
    bb = busboy({
      headers,
      defParamCharset: 'utf8',
      limits: { fieldSize: limits.fieldSize ?? 32 << 20, parts: limits.parts ?? 10_000 },
    })
  } catch (err) {
    throw new FormParseError('Invalid form content type.', { cause: err })
  }
  const writes: Promise<void>[] = []
  let failure: unknown
  const fail = (err: unknown) => {
    failure ??= err
  }
  bb.on('field', (name, value, info) => {
    if (info.valueTruncated) fail(new FormParseError(`The value of "${name}" is too large.`))
    else values.push([name, value])
  })
  bb.on('file', (name, stream, info) => {
    if (!info.filename) {
      // NOTE: a part without a file name is a plain value (as Go's multipart reader treats it).
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => values.push([name, Buffer.concat(chunks).toString('utf8')]))
      return
    }
    // NOTE: a slot per part keeps the part order whatever order the writes finish in.
    const slots = files.get(name) ?? []
    const slot = slots.length
    slots.push(undefined as never)
    files.set(name, slots)
    const write = (async () => {
      dirCreated = true
      mkdirDone ??= mkdir(dir, { recursive: true }).then(() => undefined)
      await mkdirDone
      const path = join(dir, randomString(16))
      const head: Buffer[] = []
      let headSize = 0
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (headSize < SNIFF_BYTES) {
          head.push(chunk)
          headSize += chunk.length
        }
      })
      await pipeline(stream, createWriteStream(path))
      slots[slot] = UploadedFile.fromPath(info.filename ?? '', path, size, Buffer.concat(head))
    })()
    write.catch(fail)
    writes.push(write)
  })
  bb.on('partsLimit', () => fail(new FormParseError('Too many form parts.')))
  try {
    await pipeline(body, bb)
    await Promise.all(writes)
  } catch (err) {
    await Promise.allSettled(writes)
    await cleanup()
    throw err instanceof FormParseError
      ? err
      : new FormParseError('Failed to read the form.', { cause: err })
  }
  if (failure !== undefined) {
    await cleanup()
    throw failure
  }
  return { values, files, cleanup }
}
