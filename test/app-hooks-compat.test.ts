import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cleanupAll, freePort, makeTempDir, type ServerProcess } from '../src/tests/process.ts'
import { client, type ServerKind, startServer, upsertSuperuser } from '../src/tests/sdk.ts'
import { type SmtpCapture, startSmtpCapture } from '../src/tests/smtp-capture.ts'

// PocketBase JS hooks of the mailer, settings, collection, file and realtime families, written
// once as a pb_hooks file, run on PocketBase 0.40.4 and on Satchel: the same emails, answers,
// headers, hook-changed collections and hook-written records.

const PB_HOOKS = `
onMailerRecordVerificationSend((e) => {
  e.message.subject = "Welcome " + e.record.get("email") + " (" + (e.meta.token ? "token" : "none") + ")"
  e.next()
}, "users")

onMailerSend((e) => {
  e.message.subject = e.message.subject + " [sent]"
  e.next()
})

onModelCreate((e) => {
  e.model.set("message", e.model.get("message") + " (model)")
  e.next()
}, "audit")

onRecordAuthRequest((e) => {
  e.meta = { hooked: e.authMethod }
  e.next()
}, "users")

onRecordAuthWithPasswordRequest((e) => {
  if (e.identity === "alias") e.record = $app.findAuthRecordByEmail("users", "u@example.com")
  e.next()
}, "users")

onFileTokenRequest((e) => {
  e.token = "token-from-hook"
  e.next()
})

onSettingsUpdateRequest((e) => {
  if (e.newSettings.meta.appName === "Blocked") throw new BadRequestError("not this name")
  e.newSettings.meta.appName = "Hooked " + e.newSettings.meta.appName
  e.next()
})

onCollectionCreate((e) => {
  if (e.collection.name === "blocked") throw new BadRequestError("blocked collection")
  if (e.collection.name === "docs") e.collection.updateRule = "title != 'locked'"
  e.next()
})

onCollectionsListRequest((e) => {
  // NOTE: PocketBase ignores a reassigned e.collections in JS; answering works
  const names = e.collections.filter((c) => !c.system).map((c) => c.name)
  e.json(200, { items: names.map((name) => ({ name })), totalItems: e.result.totalItems })
})

onCollectionAfterCreateSuccess((e) => {
  if (e.collection.name === "docs") {
    const audit = e.app.findCollectionByNameOrId("audit")
    e.app.save(new Record(audit, { message: "created " + e.collection.name }))
  }
  e.next()
})

onFileDownloadRequest((e) => {
  if (e.record.get("title") === "hidden") throw new ForbiddenError("hidden file")
  e.servedName = "renamed-" + e.record.get("title") + ".txt"
  e.next()
}, "docs")

onRealtimeSubscribeRequest((e) => {
  if (e.subscriptions.indexOf("blocked") >= 0) throw new BadRequestError("blocked topic")
  e.next()
})
`

const SU = { email: 'su@example.com', password: '1234567890' }
const USER = { email: 'u@example.com', password: '1234567890' }

afterAll(cleanupAll)

async function start(kind: ServerKind): Promise<ServerProcess> {
  const dir = makeTempDir('satchel-app-hooks-compat-')
  const hooks = join(dirname(dir), 'pb_hooks')
  mkdirSync(hooks, { recursive: true })
  writeFileSync(join(hooks, 'main.pb.js'), PB_HOOKS)
  upsertSuperuser(kind, dir, SU.email, SU.password)
  return startServer(kind, dir, await freePort())
}

/** The PB_CONNECT client id of a new realtime connection, and a way to close it. */
async function realtimeClient(url: string): Promise<{ id: string; close: () => void }> {
  const ctl = new AbortController()
  const res = await fetch(`${url}/api/realtime`, { signal: ctl.signal })
  const reader = res.body!.getReader()
  let text = ''
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value)
  const id = /^id:(\w+)/.exec(text)![1]!
  return { id, close: () => ctl.abort() }
}

async function scenario(server: ServerProcess, smtp: SmtpCapture): Promise<unknown[]> {
  const su = client(server.url)
  await su.collection('_superusers').authWithPassword(SU.email, SU.password)
  const out: unknown[] = []
  const http = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: su.authStore.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }

  // settings: the hook renames, or refuses
  const renamed = await http('PATCH', '/api/settings', {
    meta: { appName: 'Demo', senderAddress: 'no-reply@example.com' },
    smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, tls: false },
  })
  out.push({ status: renamed.status, appName: renamed.body.meta.appName })
  out.push(await http('PATCH', '/api/settings', { meta: { appName: 'Blocked' } }))

  // collections: refused by name; the after-success hook writes an audit row
  await http('POST', '/api/collections', {
    name: 'audit',
    type: 'base',
    fields: [{ name: 'message', type: 'text' }],
  })
  const docs = await http('POST', '/api/collections', {
    name: 'docs',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1000 },
    ],
  })
  out.push({ status: docs.status, updateRule: docs.body.updateRule })
  const listed = await http('GET', '/api/collections?perPage=100')
  out.push({
    names: listed.body.items.map((c: { name: string }) => c.name),
    totalItems: listed.body.totalItems,
  })
  const blocked = await http('POST', '/api/collections', { name: 'blocked', type: 'base' })
  out.push({ status: blocked.status, message: blocked.body.message })

  // mailer: the verification email's subject comes from the hook
  await client(server.url)
    .collection('users')
    .create({ ...USER, passwordConfirm: USER.password })
  await client(server.url).collection('users').requestVerification(USER.email)
  const mail = await smtp.next(USER.email)
  out.push(mail.headers.subject)

  // auth: the sign-in answer's meta and the file token come from hooks
  const signIn = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity: USER.email, password: USER.password }),
  })
  const auth = (await signIn.json()) as { meta?: unknown; token: string }
  out.push({ status: signIn.status, meta: auth.meta ?? null })
  const alias = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity: 'alias', password: USER.password }),
  })
  const aliased = (await alias.json()) as { record?: { email?: string } }
  out.push({ alias: alias.status, email: aliased.record?.email ?? null })
  const fileToken = await fetch(`${server.url}/api/files/token`, {
    method: 'POST',
    headers: { authorization: auth.token },
  })
  out.push({ status: fileToken.status, body: await fileToken.json() })

  // files: renamed download, refused download
  for (const title of ['report', 'hidden']) {
    const form = new FormData()
    form.append('title', title)
    form.append('doc', new Blob(['file body']), 'a.txt')
    const created = (await (
      await fetch(`${server.url}/api/collections/docs/records`, { method: 'POST', body: form })
    ).json()) as { id: string; doc: string }
    const res = await fetch(`${server.url}/api/files/docs/${created.id}/${created.doc}`)
    const text = await res.text()
    out.push({
      title,
      status: res.status,
      disposition: res.headers.get('content-disposition'),
      body: res.status === 200 ? text : JSON.parse(text),
    })
  }

  // realtime: a refused subscription and an accepted one
  const rt = await realtimeClient(server.url)
  for (const subscriptions of [['docs', 'blocked'], ['docs']]) {
    const res = await fetch(`${server.url}/api/realtime`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: rt.id, subscriptions }),
    })
    const text = await res.text()
    out.push({ subscriptions, status: res.status, body: text ? JSON.parse(text) : null })
  }
  rt.close()

  const audit = await su.collection('audit').getFullList({ sort: 'message' })
  out.push(audit.map((a) => a.message))
  return out
}

describe('PocketBase JS app hooks (mailer, settings, collection, file, realtime)', () => {
  test('PocketBase 0.40.4 and Satchel fire them alike', async () => {
    const [smtpPb, smtpSa] = await Promise.all([startSmtpCapture(), startSmtpCapture()])
    const [pb, sa] = await Promise.all([start('pocketbase'), start('satchel')])
    try {
      const [expected, actual] = await Promise.all([scenario(pb, smtpPb), scenario(sa, smtpSa)])
      expect(actual).toEqual(expected)
      // the hooks did run on PocketBase too (not the same defaults twice)
      expect(expected[0]).toEqual({ status: 200, appName: 'Hooked Demo' })
      expect(expected[2]).toEqual({ status: 200, updateRule: "title != 'locked'" })
      expect(expected[3]).toEqual({ names: ['users', 'audit', 'docs'], totalItems: 8 })
      expect(expected[5]).toBe('Welcome u@example.com (token) [sent]')
      expect(expected[6]).toEqual({ status: 200, meta: { hooked: 'password' } })
      expect(expected[7]).toEqual({ alias: 200, email: 'u@example.com' })
      expect(expected[8]).toEqual({ status: 200, body: { token: 'token-from-hook' } })
      expect(expected.at(-1)).toEqual(['created docs (model)'])
    } finally {
      await Promise.all([pb.stop(), sa.stop(), smtpPb.close(), smtpSa.close()])
    }
  }, 90_000)
})
