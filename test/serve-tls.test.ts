// `satchel serve --https` as a process: TLS from --tlsCert/--tlsKey (a self-signed certificate
// made here with openssl), plain HTTP redirected to HTTPS, and a clear exit 1 when HTTPS is asked
// for without a certificate (PocketBase would use ACME, which needs internet access).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  cleanupAll,
  freePort,
  makeTempDir,
  nodeExecutable,
  SATCHEL_BIN,
  type SpawnedProcess,
  spawnProcess,
} from '../src/tests/process.ts'

let dir: string
let certFile: string
let keyFile: string
let cert: Buffer

beforeAll(() => {
  dir = makeTempDir('satchel-tls-')
  const root = dirname(dir)
  certFile = join(root, 'cert.pem')
  keyFile = join(root, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  )
  cert = readFileSync(certFile)
})

afterAll(() => {
  cleanupAll()
})

const serve = (args: string[]) =>
  spawnProcess(nodeExecutable(), [SATCHEL_BIN, 'serve', '--workers=1', `--dir=${dir}`, ...args])

/** Waits for the process to exit (at most 30 s). */
async function exitOf(proc: SpawnedProcess): Promise<number | string> {
  const timer = setTimeout(() => void proc.stop('SIGKILL'), 30_000)
  const code = await proc.exited
  clearTimeout(timer)
  return code
}

function get(
  url: string,
  ca?: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, { ca, timeout: 2000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        body += d
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

describe('serve over TLS', () => {
  test('--https with --tlsCert/--tlsKey serves the API; --http redirects to it', {
    timeout: 60_000,
  }, async () => {
    const [httpPort, httpsPort] = [await freePort(), await freePort()]
    const proc = serve([
      `--http=127.0.0.1:${httpPort}`,
      `--https=127.0.0.1:${httpsPort}`,
      `--tlsCert=${certFile}`,
      `--tlsKey=${keyFile}`,
    ])
    try {
      const health = `https://127.0.0.1:${httpsPort}/api/health`
      const deadline = Date.now() + 30_000
      let res: Awaited<ReturnType<typeof get>> | undefined
      while (res === undefined && Date.now() < deadline && !proc.hasExited()) {
        res = await get(health, cert).catch(() => undefined)
        if (res === undefined) await new Promise((r) => setTimeout(r, 100))
      }
      expect(res?.status, proc.output()).toBe(200)
      expect(JSON.parse(res!.body).message).toBe('API is healthy.')
      // the certificate is really the one given: an unpinned client refuses it
      await expect(get(health)).rejects.toThrow(/self-signed|self signed/)
      const redirect = await get(`http://127.0.0.1:${httpPort}/api/health?x=1`)
      expect(redirect.status).toBe(302)
      expect(redirect.headers.location).toBe(`https://127.0.0.1:${httpsPort}/api/health?x=1`)
      expect(proc.output()).toMatch(
        new RegExp(
          `^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d Server started at https://127\\.0\\.0\\.1:${httpsPort}\\n`,
        ),
      )
    } finally {
      expect(await proc.stop()).toBe(0)
    }
  })

  test('HTTPS without a certificate (domain argument) exits 1 explaining ACME', {
    timeout: 60_000,
  }, async () => {
    const proc = serve(['example.com'])
    expect(await exitOf(proc)).toBe(1)
    expect(proc.output()).toContain("Let's Encrypt (ACME), which needs internet access")
    expect(proc.output()).toContain('--tlsCert=FILE --tlsKey=FILE')
  })

  test('an unreadable certificate exits 1 with the reason', { timeout: 60_000 }, async () => {
    const proc = serve([
      `--https=127.0.0.1:${await freePort()}`,
      `--tlsCert=${keyFile}`,
      `--tlsKey=${keyFile}`,
    ])
    expect(await exitOf(proc)).toBe(1)
    expect(proc.output()).toContain('Cannot load the TLS certificate or key')
  })
})
