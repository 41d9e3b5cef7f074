// Satchel only: in --dev mode the OAuth2 avatar may come from a private host, which lets a test
// on loopback check the whole download-into-a-file-field path (upload pipeline, stored file).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { OAuth2Server } from 'oauth2-mock-server'
import type PocketBase from 'pocketbase'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { cleanupAll, type ServerProcess } from '../src/tests/process.ts'
import { client, startServer, upsertSuperuser } from '../src/tests/sdk.ts'

const REDIRECT = 'http://127.0.0.1:9/callback'
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea73581e40000000049454e44ae426082',
  'hex',
)

let server: ServerProcess
let idp: OAuth2Server
let avatars: Server
let su: PocketBase

beforeAll(async () => {
  avatars = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' })
    res.end(PNG)
  })
  await new Promise<void>((r) => avatars.listen(0, '127.0.0.1', r))
  idp = new OAuth2Server()
  await idp.issuer.keys.generate('RS256')
  await idp.start(0, '127.0.0.1')
  const picture = `http://127.0.0.1:${(avatars.address() as AddressInfo).port}/me.png`
  idp.service.on('beforeUserinfo', (res: { body: unknown }) => {
    res.body = {
      sub: 'ava-1',
      email: 'ava@example.com',
      email_verified: true,
      name: 'Ava',
      picture,
    }
  })
  server = await startServer('satchel', undefined, undefined, { args: ['--dev'] })
  upsertSuperuser('satchel', server.dir, 'root@example.com', 'root-pass-123')
  su = client(server.url)
  await su.collection('_superusers').authWithPassword('root@example.com', 'root-pass-123')
  const issuer = idp.issuer.url!
  await su.collections.update('users', {
    oauth2: {
      enabled: true,
      mappedFields: { name: 'name', avatarURL: 'avatar' },
      providers: [
        {
          name: 'oidc',
          clientId: 'c',
          clientSecret: 's',
          authURL: `${issuer}/authorize`,
          tokenURL: `${issuer}/token`,
          userInfoURL: `${issuer}/userinfo`,
        },
      ],
    },
  })
}, 60_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  await idp?.stop()
  avatars?.close()
  cleanupAll()
})

test('sign-up downloads the provider avatar into the mapped file field', async () => {
  const pb = client(server.url)
  const methods = await pb.collection('users').listAuthMethods()
  const p = methods.oauth2.providers.find((x) => x.name === 'oidc')!
  const res = await fetch(p.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' })
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!
  const auth = await pb
    .collection('users')
    .authWithOAuth2Code('oidc', code, p.codeVerifier, REDIRECT)
  expect(auth.meta?.isNew).toBe(true)
  const avatar = auth.record.avatar as string
  // a base under 3 characters gets 10 random characters appended (PocketBase file names)
  expect(avatar).toMatch(/^me[a-z0-9]{10}_[a-z0-9]{10}\.png$/)
  const file = await fetch(pb.files.getURL(auth.record, avatar))
  expect(file.status).toBe(200)
  expect(file.headers.get('content-type')).toBe('image/png')
  expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG)
})
