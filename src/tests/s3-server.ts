import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

/** A real S3 endpoint (`s3rver`) on loopback for tests; its credentials are `S3RVER`/`S3RVER`. */
export interface TestS3 {
  /** `http://127.0.0.1:<port>` (path-style buckets). */
  readonly endpoint: string
  /** Creates a bucket. */
  createBucket(name: string): Promise<void>
  /** Deletes every bucket and object. */
  reset(): Promise<void>
  /** Stops the server and removes its folder. */
  close(): Promise<void>
}

/** Starts `s3rver` on 127.0.0.1 and a free port, storing into a new temp folder. */
export async function startS3rver(): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'satchel-s3rver-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir })
  const endpoint = `http://127.0.0.1:${(await server.run()).port}`
  return {
    endpoint,
    async createBucket(name) {
      const client = new S3Client({
        region: 'us-east-1',
        endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      })
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }))
      } finally {
        client.destroy()
      }
    },
    reset: async () => server.reset(),
    async close() {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
