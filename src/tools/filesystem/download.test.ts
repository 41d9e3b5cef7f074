import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isPublicIP } from '../security/public-address.ts'
import { downloadFile } from './download.ts'

let server: Server
let base: string

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/avatar.png') {
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
    } else if (req.url === '/big') {
      res.writeHead(200)
      res.end(Buffer.alloc(2048))
    } else if (req.url === '/hop') {
      res.writeHead(302, { location: '/avatar.png' })
      res.end()
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server.close()
})

describe('downloadFile', () => {
  test('downloads a small file (private hosts allowed explicitly), following redirects', async () => {
    const f = await downloadFile(`${base}/hop`, { maxSize: 100, allowPrivate: true })
    expect(f).toMatchObject({ name: 'avatar.png', type: 'image/png' })
    expect([...f.data]).toEqual([0x89, 0x50, 0x4e, 0x47])
  })

  test('refuses loopback and private hosts by default (SSRF)', async () => {
    await expect(downloadFile(`${base}/avatar.png`, { maxSize: 100 })).rejects.toThrow(
      /not a public address/,
    )
    await expect(downloadFile('http://10.1.2.3/x', { maxSize: 100 })).rejects.toThrow(
      /not a public address/,
    )
    await expect(downloadFile('file:///etc/passwd', { maxSize: 100 })).rejects.toThrow(/http/)
  })

  test('enforces the size limit and reports non-2xx answers', async () => {
    await expect(
      downloadFile(`${base}/big`, { maxSize: 1024, allowPrivate: true }),
    ).rejects.toThrow(/too large/)
    await expect(
      downloadFile(`${base}/missing`, { maxSize: 1024, allowPrivate: true }),
    ).rejects.toThrow(/404/)
  })
})

describe('isPublicIP', () => {
  test.each([
    ['8.8.8.8', true],
    ['1.1.1.1', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.20.1.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['not-an-ip', false],
  ])('%s → %s', (ip, expected) => {
    expect(isPublicIP(ip)).toBe(expected)
  })
})
