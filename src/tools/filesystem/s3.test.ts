import { afterAll, beforeAll } from 'vitest'
import { startS3rver, type TestS3 } from '../../tests/s3-server.ts'
import { fileSystemContract } from './filesystem.contract.ts'
import { S3FileSystem } from './s3.ts'

let s3rver: TestS3
let n = 0

beforeAll(async () => {
  s3rver = await startS3rver()
})
afterAll(() => s3rver?.close())

fileSystemContract('s3', async () => {
  const bucket = `bucket${n++}`
  const fs = new S3FileSystem({
    bucket,
    region: 'us-east-1',
    endpoint: s3rver.endpoint,
    accessKey: 'S3RVER',
    secret: 'S3RVER',
    forcePathStyle: true,
  })
  await s3rver.reset()
  await s3rver.createBucket(bucket)
  return fs
})
