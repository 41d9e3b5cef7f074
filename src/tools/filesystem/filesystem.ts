import type { Readable } from 'node:stream'

/**
 * The stored attributes of one blob, as PocketBase keeps them (the local driver's `.attrs`
 * sidecar; object headers and metadata on S3).
 */
export interface FileAttrs {
  /** `Content-Type` recorded at upload (PocketBase: sniffed from the content). */
  readonly contentType: string
  readonly cacheControl: string
  readonly contentDisposition: string
  readonly contentEncoding: string
  readonly contentLanguage: string
  /** User metadata, e.g. `{"original-filename": "photo.png"}`. */
  readonly metadata: { readonly [key: string]: string }
  /** Base64 MD5 of the content ("" when the backend does not know it). */
  readonly md5: string
  /** Size in bytes. */
  readonly size: number
  /** Last modification time. */
  readonly modTime: Date
}

/** What `put` stores besides the bytes. */
export interface PutOptions {
  readonly contentType?: string
  readonly metadata?: { readonly [key: string]: string }
  /** The byte length when known (S3 needs it to stream a body). */
  readonly size?: number
}

/** An inclusive byte range (`end` clamped to the size by the driver). */
export interface ByteRange {
  readonly start: number
  readonly end: number
}

/** An opened blob: its attributes and a stream of its bytes (or of the requested range). */
export interface FileObject {
  readonly attrs: FileAttrs
  readonly body: Readable
}

/** Thrown by `get`/`attributes` for a missing key. */
export class FileNotFoundError extends Error {
  constructor(key: string) {
    super(`File "${key}" was not found.`)
    this.name = 'FileNotFoundError'
  }
}

/**
 * FileSystem is PocketBase's blob storage (`tools/filesystem.System`): keys are slash-separated
 * paths (`<collectionId>/<recordId>/<file>`). Implemented by the local driver (a folder with
 * `.attrs` sidecars) and the S3 driver; both pass `filesystem.contract.ts`.
 */
export interface FileSystem {
  /** Stores `source` (streamed, never buffered whole by the driver) under `key`, replacing it. */
  put(key: string, source: Readable | Buffer, options?: PutOptions): Promise<void>
  /**
   * Stores the local file at `path` under `key` and removes `path` (the local driver renames it
   * when both are on one disk, so a large file is not copied).
   */
  moveIn(key: string, path: string, options?: PutOptions): Promise<void>
  /** Opens `key` (optionally a byte range); throws FileNotFoundError when missing. */
  get(key: string, range?: ByteRange): Promise<FileObject>
  /** The attributes of `key`; throws FileNotFoundError when missing. */
  attributes(key: string): Promise<FileAttrs>
  /** True when `key` exists. */
  exists(key: string): Promise<boolean>
  /** Deletes `key` (no error when missing). */
  delete(key: string): Promise<void>
  /** Deletes every key under `prefix` (a folder: `prefix/...`); no error when none. */
  deletePrefix(prefix: string): Promise<void>
  /** Every key under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>
  /** Checks that the backend is reachable and usable (PocketBase `test/s3`). */
  check(): Promise<void>
  /** Releases connections. */
  close(): Promise<void>
}
