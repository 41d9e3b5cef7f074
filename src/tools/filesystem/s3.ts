import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import {
  type ByteRange,
  type FileAttrs,
  FileNotFoundError,
  type FileObject,
  type FileSystem,
  type PutOptions,
} from './filesystem.ts'

/** S3 connection settings (PocketBase `settings.s3` / `backups.s3`). */
export interface S3Config {
  readonly bucket: string
  readonly region: string
  readonly endpoint: string
  readonly accessKey: string
  readonly secret: string
  readonly forcePathStyle: boolean
}

/**
 * The AWS SDK, loaded by the first S3 operation: it is large (~80 ms of start-up per process)
 * and many apps never configure S3.
 */
function sdk() {
  return import('@aws-sdk/client-s3')
}

/**
 * The S3 driver (any S3-compatible endpoint): keys are object keys in `bucket`; the content type
 * and PocketBase's metadata (`original-filename`) are the object's headers and `x-amz-meta-*`.
 */
export class S3FileSystem implements FileSystem {
  readonly bucket: string
  readonly #config: S3Config
  #client: Promise<S3Client> | undefined

  constructor(config: S3Config) {
    this.bucket = config.bucket
    this.#config = config
  }

  /** The SDK client, made on first use. */
  #s3(): Promise<S3Client> {
    this.#client ??= sdk().then(({ S3Client }) => {
      const config = this.#config
      const endpoint =
        config.endpoint === '' || /^https?:\/\//.test(config.endpoint)
          ? config.endpoint
          : `https://${config.endpoint}`
      return new S3Client({
        region: config.region || 'us-east-1',
        endpoint: endpoint || undefined,
        forcePathStyle: config.forcePathStyle,
        credentials: { accessKeyId: config.accessKey, secretAccessKey: config.secret },
        // NOTE: many S3-compatible services reject the newer default checksum headers.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      })
    })
    return this.#client
  }

  async put(key: string, source: Readable | Buffer, options: PutOptions = {}): Promise<void> {
    const { PutObjectCommand } = await sdk()
    await (await this.#s3()).send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: source,
        ContentLength: Buffer.isBuffer(source) ? source.length : options.size,
        ContentType: options.contentType || undefined,
        Metadata: { ...(options.metadata ?? {}) },
      }),
    )
  }

  async moveIn(key: string, path: string, options: PutOptions = {}): Promise<void> {
    const { size } = await stat(path)
    await this.put(key, createReadStream(path), { ...options, size })
    await rm(path, { force: true })
  }

  async attributes(key: string): Promise<FileAttrs> {
    const { HeadObjectCommand } = await sdk()
    const client = await this.#s3()
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return toAttrs(out, out.ContentLength ?? 0)
    } catch (err) {
      throw notFound(err, key)
    }
  }

  async get(key: string, range?: ByteRange): Promise<FileObject> {
    const { GetObjectCommand } = await sdk()
    const client = await this.#s3()
    try {
      const out = await client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}`,
        }),
      )
      const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1]
      const attrs = toAttrs(out, total === undefined ? (out.ContentLength ?? 0) : Number(total))
      return { attrs, body: out.Body as Readable }
    } catch (err) {
      throw notFound(err, key)
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.attributes(key)
      return true
    } catch (err) {
      if (err instanceof FileNotFoundError) return false
      throw err
    }
  }

  async delete(key: string): Promise<void> {
    const { DeleteObjectCommand } = await sdk()
    await (await this.#s3()).send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
  }

  async deletePrefix(prefix: string): Promise<void> {
    // NOTE: one DELETE per object (like PocketBase): DeleteObjects needs a Content-MD5 that
    // not every S3-compatible service accepts from the SDK's newer checksums.
    const keys = await this.list(prefix)
    for (const key of keys) await this.delete(key)
  }

  async list(prefix: string): Promise<string[]> {
    const { ListObjectsV2Command } = await sdk()
    const client = await this.#s3()
    const clean = prefix.replace(/\/+$/, '')
    const out: string[] = []
    let token: string | undefined
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: clean === '' ? undefined : `${clean}/`,
          ContinuationToken: token,
        }),
      )
      for (const o of page.Contents ?? []) if (o.Key !== undefined) out.push(o.Key)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token !== undefined)
    return out.sort()
  }

  async check(): Promise<void> {
    const { HeadBucketCommand } = await sdk()
    await (await this.#s3()).send(new HeadBucketCommand({ Bucket: this.bucket }))
  }

  async close(): Promise<void> {
    if (this.#client !== undefined) (await this.#client).destroy()
  }
}

interface ObjectHead {
  ContentType?: string
  CacheControl?: string
  ContentDisposition?: string
  ContentEncoding?: string
  ContentLanguage?: string
  Metadata?: { [key: string]: string }
  ETag?: string
  LastModified?: Date
}

function toAttrs(o: ObjectHead, size: number): FileAttrs {
  const etag = (o.ETag ?? '').replace(/"/g, '')
  return {
    contentType: o.ContentType ?? '',
    cacheControl: o.CacheControl ?? '',
    contentDisposition: o.ContentDisposition ?? '',
    contentEncoding: o.ContentEncoding ?? '',
    contentLanguage: o.ContentLanguage ?? '',
    metadata: o.Metadata ?? {},
    // NOTE: the ETag of a single-part upload is the hex MD5 of the content.
    md5: /^[0-9a-f]{32}$/.test(etag) ? Buffer.from(etag, 'hex').toString('base64') : '',
    size,
    modTime: o.LastModified ?? new Date(0),
  }
}

function notFound(err: unknown, key: string): unknown {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
  if (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404)
    return new FileNotFoundError(key)
  if (e.$metadata?.httpStatusCode === 416) return new RangeError('Range not satisfiable.')
  return err
}
