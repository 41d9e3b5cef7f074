// End-to-end OAuth2 sign-in: `satchel serve` (2 workers) against a real authorization server on
// loopback (oauth2-mock-server) configured as the generic `oidc` provider and as an arctic-backed
// provider (`gitlab`) with its endpoints pointed at the mock; the authorization-code flow with
// PKCE runs through the official SDK, the browser step is a `fetch` that does not follow the
// provider's redirect. SATCHEL_E2E_TARGET=pocketbase runs the same assertions against PocketBase.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EventSource } from 'eventsource'
import { OAuth2Server } from 'oauth2-mock-server'
import type PocketBase from 'pocketbase'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { cleanupAll, type ServerProcess } from '../src/tests/process.ts'
import {
  client,
  dataCodes,
  expectFailure,
  startServer,
  targetKind,
  upsertSuperuser,
} from '../src/tests/sdk.ts'

// the SDK's one-call flow listens on realtime (SSE)
;(globalThis as { EventSource?: unknown }).EventSource = EventSource

const kind = targetKind()
const SU_EMAIL = 'root@example.com'
const SU_PASS = 'root-pass-123'
const REDIRECT = 'http://127.0.0.1:9/callback'

let server: ServerProcess
let idp: OAuth2Server
let su: PocketBase

/** The user the mock's userinfo endpoint answers with for the next sign-in. */
let nextUser: { [key: string]: unknown } = {}

beforeAll(async () => {
  idp = new OAuth2Server()
  await idp.issuer.keys.generate('RS256')
  await idp.start(0, '127.0.0.1')
  idp.service.on('beforeUserinfo', (res: { body: unknown }) => {
    res.body = nextUser
  })
  server = await startServer(kind)
  upsertSuperuser(kind, server.dir, SU_EMAIL, SU_PASS)
  su = client(server.url)
  await su.collection('_superusers').authWithPassword(SU_EMAIL, SU_PASS)
  const issuer = idp.issuer.url!
  const endpoints = {
    clientId: 'satchel-client',
    clientSecret: 'satchel-secret',
    authURL: `${issuer}/authorize`,
    tokenURL: `${issuer}/token`,
    userInfoURL: `${issuer}/userinfo`,
  }
  await su.collections.update('users', {
    oauth2: {
      enabled: true,
      mappedFields: { name: 'name' },
      providers: [
        { name: 'oidc', ...endpoints },
        { name: 'gitlab', ...endpoints },
      ],
    },
  })
}, 60_000)

afterEach(({ task }) => {
  if (task.result?.state === 'fail') {
    console.error(`${kind} output (tail):\n${server?.output().slice(-3000)}`)
  }
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await idp?.stop()
  cleanupAll()
})

/** Runs the browser part: opens authURL + redirect and returns the code the provider sent back. */
async function authorize(pb: PocketBase, provider: string) {
  const methods = await pb.collection('users').listAuthMethods()
  const p = methods.oauth2.providers.find((x) => x.name === provider)!
  expect(p.authURL.endsWith('&redirect_uri=')).toBe(true)
  const res = await fetch(p.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' })
  expect(res.status).toBe(302)
  const location = new URL(res.headers.get('location')!)
  expect(location.origin + location.pathname).toBe(REDIRECT)
  expect(location.searchParams.get('state')).toBe(p.state)
  return { code: location.searchParams.get('code')!, codeVerifier: p.codeVerifier, p }
}

describe(`OAuth2 through the SDK (${kind})`, () => {
  test('auth-methods lists the providers with state and PKCE', async () => {
    const methods = await client(server.url).collection('users').listAuthMethods()
    expect(methods.oauth2.enabled).toBe(true)
    const oidc = methods.oauth2.providers.find((p) => p.name === 'oidc')!
    expect(oidc).toMatchObject({ displayName: 'OIDC', codeChallengeMethod: 'S256' })
    expect(oidc.state).toHaveLength(30)
    expect(oidc.codeVerifier).toHaveLength(43)
    const url = new URL(oidc.authURL)
    expect(url.searchParams.get('client_id')).toBe('satchel-client')
    expect(url.searchParams.get('scope')).toBe('openid email profile')
    expect(url.searchParams.get('code_challenge')).toBe(oidc.codeChallenge)
    expect(url.searchParams.get('response_type')).toBe('code')
  })

  test('sign up creates the user and the _externalAuths link; the second sign-in reuses it', async () => {
    const pb = client(server.url)
    nextUser = { sub: 'ann-1', email: 'ann@example.com', email_verified: true, name: 'Ann' }
    const { code, codeVerifier } = await authorize(pb, 'oidc')
    const res = await pb
      .collection('users')
      .authWithOAuth2Code('oidc', code, codeVerifier, REDIRECT, { emailVisibility: true })
    expect(res.meta?.isNew).toBe(true)
    expect(res.meta).toMatchObject({ id: 'ann-1', email: 'ann@example.com', name: 'Ann' })
    expect(res.meta?.rawUser).toMatchObject({ sub: 'ann-1' })
    expect(res.record).toMatchObject({ email: 'ann@example.com', verified: true, name: 'Ann' })
    const links = await pb.collection('_externalAuths').getFullList()
    expect(links).toHaveLength(1)
    expect(links[0]).toMatchObject({
      provider: 'oidc',
      providerId: 'ann-1',
      recordRef: res.record.id,
    })

    const again = client(server.url)
    const second = await authorize(again, 'oidc')
    const res2 = await again
      .collection('users')
      .authWithOAuth2Code('oidc', second.code, second.codeVerifier, REDIRECT)
    expect(res2.meta?.isNew).toBe(false)
    expect(res2.record.id).toBe(res.record.id)
    expect(await again.collection('_externalAuths').getFullList()).toHaveLength(1)
  })

  test('an avatar on a loopback address is not downloaded (SSRF), the sign-up still succeeds', async () => {
    const avatarServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end(
        Buffer.from(
          '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea73581e40000000049454e44ae426082',
          'hex',
        ),
      )
    })
    await new Promise<void>((r) => avatarServer.listen(0, '127.0.0.1', r))
    try {
      await su.collections.update('users', {
        oauth2: { mappedFields: { name: 'name', avatarURL: 'avatar' } },
      })
      const port = (avatarServer.address() as AddressInfo).port
      nextUser = {
        sub: 'ava-1',
        email: 'ava@example.com',
        email_verified: true,
        name: 'Ava',
        picture: `http://127.0.0.1:${port}/me.png`,
      }
      const pb = client(server.url)
      const { code, codeVerifier } = await authorize(pb, 'oidc')
      const res = await pb
        .collection('users')
        .authWithOAuth2Code('oidc', code, codeVerifier, REDIRECT)
      expect(res.meta?.isNew).toBe(true)
      expect(res.meta?.avatarURL).toBe(`http://127.0.0.1:${port}/me.png`)
      expect(res.record).toMatchObject({ email: 'ava@example.com', name: 'Ava', avatar: '' })
    } finally {
      await su.collections.update('users', {
        oauth2: { mappedFields: { name: 'name', avatarURL: '' } },
      })
      avatarServer.close()
    }
  })

  test('sign-in to an existing account by verified email, then unlink', async () => {
    const guest = client(server.url)
    const bob = await guest.collection('users').create({
      email: 'bob@example.com',
      password: 'bob-pass-123',
      passwordConfirm: 'bob-pass-123',
    })
    expect(bob.verified).toBe(false)
    const pb = client(server.url)
    nextUser = { sub: 'bob-9', email: 'bob@example.com', email_verified: true, name: 'Bobby' }
    const { code, codeVerifier } = await authorize(pb, 'oidc')
    const res = await pb
      .collection('users')
      .authWithOAuth2Code('oidc', code, codeVerifier, REDIRECT)
    expect(res.meta?.isNew).toBe(false)
    expect(res.record.id).toBe(bob.id)
    expect(res.record.verified).toBe(true)
    // the password somebody set before the email was proven is replaced
    await expectFailure(
      client(server.url).collection('users').authWithPassword('bob@example.com', 'bob-pass-123'),
      400,
      'Failed to authenticate.',
    )
    const links = await pb.collection('_externalAuths').getFullList()
    expect(links).toHaveLength(1)
    await pb.collection('_externalAuths').delete(links[0]!.id)
    expect(await pb.collection('_externalAuths').getFullList()).toHaveLength(0)
  })

  test('a signed-in user links a second provider (arctic-backed gitlab)', async () => {
    const pb = client(server.url)
    nextUser = { sub: 'cat-1', email: 'cat@example.com', email_verified: true }
    const first = await authorize(pb, 'oidc')
    const res = await pb
      .collection('users')
      .authWithOAuth2Code('oidc', first.code, first.codeVerifier, REDIRECT)
    nextUser = { id: 4242, username: 'cat', name: 'Cat G', email: 'other@example.com' }
    const second = await authorize(pb, 'gitlab')
    const linked = await pb
      .collection('users')
      .authWithOAuth2Code('gitlab', second.code, second.codeVerifier, REDIRECT)
    expect(linked.record.id).toBe(res.record.id)
    expect(linked.meta).toMatchObject({ id: '4242', username: 'cat', isNew: false })
    const links = await pb.collection('_externalAuths').getFullList({ sort: 'provider' })
    expect(links.map((l) => [l.provider, l.providerId])).toEqual([
      ['gitlab', '4242'],
      ['oidc', 'cat-1'],
    ])
  })

  test('one-call popup flow: provider → /api/oauth2-redirect → @oauth2 realtime message', async () => {
    const pb = client(server.url)
    nextUser = { sub: 'dan-1', email: 'dan@example.com', email_verified: true, name: 'Dan' }
    let redirectStatus = 0
    const res = await pb.collection('users').authWithOAuth2({
      provider: 'oidc',
      // the fake browser: open the provider URL, then follow its redirect to Satchel by hand
      urlCallback: async (url) => {
        const atProvider = await fetch(url, { redirect: 'manual' })
        const back = atProvider.headers.get('location')!
        expect(back.startsWith(`${server.url}/api/oauth2-redirect?`)).toBe(true)
        const atServer = await fetch(back, { redirect: 'manual' })
        redirectStatus = atServer.status
        expect(atServer.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-success')
      },
    })
    expect(redirectStatus).toBe(307)
    expect(res.meta?.isNew).toBe(true)
    expect(res.record).toMatchObject({ email: 'dan@example.com', name: 'Dan', verified: true })
    await pb.realtime.unsubscribe()
  })

  test('oauth2-redirect without a waiting realtime client ends on the failure page', async () => {
    const get = await fetch(`${server.url}/api/oauth2-redirect?state=nobody&code=x`, {
      redirect: 'manual',
    })
    expect(get.status).toBe(307)
    expect(get.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-failure')
    const post = await fetch(`${server.url}/api/oauth2-redirect`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=nobody&code=x',
    })
    expect(post.status).toBe(303)
    expect(post.headers.get('location')).toBe('../_/#/auth/oauth2-redirect-failure')
  })

  test('errors: unknown provider, missing fields, bad code', async () => {
    const pb = client(server.url)
    const e1 = await expectFailure(
      pb.collection('users').authWithOAuth2Code('nope', 'x', 'y', REDIRECT),
      400,
      'An error occurred while loading the submitted data.',
    )
    expect(dataCodes(e1)).toEqual({ provider: 'validation_invalid_provider' })
    expect(e1.response.data.provider).toEqual({
      code: 'validation_invalid_provider',
      message: 'Provider with name nope is missing or is not enabled.',
      params: { name: 'nope' },
    })
    const e2 = await expectFailure(
      pb.collection('users').authWithOAuth2Code('oidc', '', '', ''),
      400,
      'An error occurred while loading the submitted data.',
    )
    expect(dataCodes(e2)).toEqual({ code: 'validation_required' })
    await expectFailure(
      pb.collection('users').authWithOAuth2Code('oidc', 'not-a-code', 'v'.repeat(43), REDIRECT),
      400,
      'Failed to fetch OAuth2 token.',
      {},
    )
  })
})
