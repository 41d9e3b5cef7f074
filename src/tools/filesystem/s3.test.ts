import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import { afterAll, beforeAll } from 'vitest'
import { fileSystemContract } from './filesystem.contract.ts'
import { S3FileSystem } from './s3.ts'

const dir = mkdtempSync(join(tmpdir(), 'satchel-s3rver-'))
let server: S3rver
let endpoint = ''
let n = 0

beforeAll(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir })
  const addr = await server.run()
  endpoint = `http://127.0.0.1:${addr.port}`
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

fileSystemContract('s3', async () => {
  const bucket = `bucket${n++}`
  const fs = new S3FileSystem({
    bucket,
    region: 'us-east-1',
    endpoint,
    accessKey: 'S3RVER',
    secret: 'S3RVER',
    forcePathStyle: true,
  })
  await server.reset?.()
  await createBucket(bucket)
  return fs
})

async function createBucket(bucket: string): Promise<void> {
  const { CreateBucketCommand, S3Client } = await import('@aws-sdk/client-s3')
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  client.destroy()
}
