import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { normalizeFileName } from './file-name.ts'
import { type DetectedMime, detectMime, SNIFF_BYTES } from './mime.ts'

/**
 * UploadedFile is a file about to be stored (PocketBase `filesystem.File`): its content lives in
 * a temporary file (multipart uploads are streamed there) or, for small programmatic uploads, in
 * memory. `name` is the normalised storage name, `originalName` the client's one.
 */
export class UploadedFile {
  readonly originalName: string
  name: string
  readonly size: number
  /** The content type sniffed from the first bytes. */
  readonly detected: DetectedMime
  readonly #path: string | undefined
  readonly #buffer: Buffer | undefined

  private constructor(
    originalName: string,
    size: number,
    head: Buffer,
    path?: string,
    buffer?: Buffer,
  ) {
    this.originalName = originalName
    this.size = size
    this.detected = detectMime(head)
    this.name = normalizeFileName(originalName, this.detected.ext)
    this.#path = path
    this.#buffer = buffer
  }

  /** A file whose content is the temporary file at `path` (`head`: its first bytes). */
  static fromPath(originalName: string, path: string, size: number, head: Buffer): UploadedFile {
    return new UploadedFile(originalName, size, head.subarray(0, SNIFF_BYTES), path)
  }

  /** A file from bytes in memory. */
  static fromBuffer(originalName: string, buffer: Buffer): UploadedFile {
    return new UploadedFile(
      originalName,
      buffer.length,
      buffer.subarray(0, SNIFF_BYTES),
      undefined,
      buffer,
    )
  }

  /** The content of an in-memory file (undefined for file-backed ones). */
  get buffer(): Buffer | undefined {
    return this.#buffer
  }

  /** The temporary file path ("" for in-memory files). */
  get path(): string {
    return this.#path ?? ''
  }

  /** A new stream of the content. */
  open(): Readable {
    return this.#path !== undefined
      ? createReadStream(this.#path)
      : Readable.from([this.#buffer ?? Buffer.alloc(0)])
  }

  /** The content as a Blob (file-backed for temporary files, so it is not read into memory). */
  async toBlob(): Promise<Blob> {
    if (this.#path !== undefined) {
      const { openAsBlob } = await import('node:fs')
      return openAsBlob(this.#path)
    }
    return new Blob([new Uint8Array(this.#buffer ?? Buffer.alloc(0))])
  }

  toJSON(): string {
    return this.name
  }
}
