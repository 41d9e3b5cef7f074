import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestApp } from '../tests/test-app.ts'
import { form, seedFilesSchema, superuserHeaders, userHeaders } from './file.seed.ts'

// The request hooks of the settings, collections, batch, files and realtime APIs: each fires with
// its event's data, may change it before `e.next()`, and stops the action when it does not call
// `e.next()`.

let app: TestApp
let su: { [key: string]: string }

beforeEach(async () => {
  app = await TestApp.create()
  await seedFilesSchema(app)
  su = await superuserHeaders(app)
})

afterEach(async () => {
  await app.cleanup()
})

describe('settings request hooks', () => {
  test('onSettingsListRequest may change the listed copy, not the settings', async () => {
    app.onSettingsListRequest.bind(async (e) => {
      expect(e.requestInfo.auth?.collection.name).toBe('_superusers')
      e.settings.meta.appName = 'Listed'
      await e.next()
    })
    const body = (await (await app.request('GET', '/api/settings', { headers: su })).json()) as {
      meta: { appName: string }
    }
    expect(body.meta.appName).toBe('Listed')
    expect(app.settings().meta.appName).not.toBe('Listed')
  })

  test('onSettingsUpdateRequest sees old and new settings; without e.next() nothing is saved', async () => {
    const seen: string[] = []
    const id = app.onSettingsUpdateRequest.bind(async (e) => {
      seen.push(`${e.oldSettings.meta.appName}->${e.newSettings.meta.appName}`)
      e.newSettings.meta.senderName = 'Hooked'
      await e.next()
    })
    let res = await app.request('PATCH', '/api/settings', {
      headers: su,
      body: { meta: { appName: 'New name' } },
    })
    expect(res.status).toBe(200)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatch(/^.+->New name$/)
    expect(app.settings().meta.appName).toBe('New name')
    expect(app.settings().meta.senderName).toBe('Hooked')
    app.onSettingsUpdateRequest.unbind(id)
    app.onSettingsUpdateRequest.bind((e) => {
      e.response = new Response(null, { status: 202 })
    })
    res = await app.request('PATCH', '/api/settings', {
      headers: su,
      body: { meta: { appName: 'Never' } },
    })
    expect(res.status).toBe(202)
    expect(app.settings().meta.appName).toBe('New name')
  })
})

describe('collections request hooks', () => {
  test('list, view and import', async () => {
    app.onCollectionsListRequest.bind(async (e) => {
      e.collections = e.collections.filter((c) => c.name === 'docs')
      await e.next()
    })
    const list = (await (await app.request('GET', '/api/collections', { headers: su })).json()) as {
      items: { name: string }[]
    }
    expect(list.items.map((c: { name: string }) => c.name)).toEqual(['docs'])

    app.onCollectionViewRequest.bind(async (e) => {
      e.collection = e.collection.clone()
      e.collection.listRule = 'viewed'
      await e.next()
    })
    const view = (await (
      await app.request('GET', '/api/collections/docs', { headers: su })
    ).json()) as {
      listRule: string
    }
    expect(view.listRule).toBe('viewed')

    const imported: string[] = []
    app.onCollectionsImportRequest.bind(async (e) => {
      imported.push(...e.collectionsData.map((c) => String(c.name)), String(e.deleteMissing))
      e.collectionsData = [...e.collectionsData, { name: 'extra', type: 'base', fields: [] }]
      await e.next()
    })
    const res = await app.request('PUT', '/api/collections/import', {
      headers: su,
      body: { collections: [{ name: 'notes', type: 'base', fields: [] }] },
    })
    expect(res.status).toBe(204)
    expect(imported).toEqual(['notes', 'false'])
    expect(app.findCollection('notes')).toBeDefined()
    expect(app.findCollection('extra')).toBeDefined()
  })
})

describe('batch request hook', () => {
  test('onBatchRequest may change the items; without e.next() nothing runs', async () => {
    const s = structuredClone(app.settings())
    s.batch.enabled = true
    await app.saveSettings(s)
    const id = app.onBatchRequest.bind(async (e) => {
      expect(e.batch.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /api/collections/docs/records',
      ])
      e.batch[0]!.body = { ...e.batch[0]!.body, title: 'from hook' }
      await e.next()
    })
    const body = {
      requests: [{ method: 'POST', url: '/api/collections/docs/records', body: { title: 'x' } }],
    }
    const res = await app.request('POST', '/api/batch', { body })
    const results = (await res.json()) as { body: { title: string } }[]
    expect(results[0]!.body.title).toBe('from hook')
    app.onBatchRequest.unbind(id)
    app.onBatchRequest.bind((e) => {
      e.response = new Response('[]', { status: 200 })
    })
    await app.request('POST', '/api/batch', { body })
    const list = (await (await app.request('GET', '/api/collections/docs/records')).json()) as {
      totalItems: number
    }
    expect(list.totalItems).toBe(1)
  })
})

describe('file request hooks', () => {
  test('onFileTokenRequest and onFileDownloadRequest (tagged), answering instead of sending', async () => {
    app.onFileTokenRequest('users').bind(async (e) => {
      expect(e.record.getString('email')).toBe('u@example.com')
      e.token = `${e.token}`
      await e.next()
    })
    const tok = (await (
      await app.request('POST', '/api/files/token', { headers: await userHeaders(app) })
    ).json()) as { token: string }
    expect(typeof tok.token).toBe('string')

    const created = (await (
      await app.request('POST', '/api/collections/docs/records', {
        body: form(['title', 't'], ['one', 'hello file', 'a.txt']),
      })
    ).json()) as { id: string; one: string }
    const seen: string[] = []
    app.onFileDownloadRequest('docs').bind(async (e) => {
      seen.push(e.record.id, e.fileField.name, e.servedName)
      e.servedName = 'renamed.txt'
      await e.next()
    })
    let res = await app.request('GET', `/api/files/docs/${created.id}/${created.one}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello file')
    expect(res.headers.get('content-disposition')).toContain('renamed.txt')
    expect(seen).toEqual([created.id, 'one', created.one])
    app.onFileDownloadRequest.bind(
      (e) => {
        e.response = new Response('blocked', { status: 403 })
      },
      { priority: -1 },
    )
    res = await app.request('GET', `/api/files/docs/${created.id}/${created.one}`)
    expect(res.status).toBe(403)
  })
})

describe('realtime hooks', () => {
  test('connect, subscribe and message send', async () => {
    const events: string[] = []
    app.onRealtimeConnectRequest.bind(async (e) => {
      events.push(`connect:${e.client.id.length}`)
      await e.next()
      events.push('disconnected')
    })
    app.onRealtimeSubscribeRequest.bind(async (e) => {
      events.push(`subscribe:${e.subscriptions.join(',')}`)
      e.subscriptions = [...e.subscriptions, 'docs']
      await e.next()
    })
    app.onRealtimeMessageSend.bind(async (e) => {
      events.push(`message:${e.message.name}`)
      if (e.message.name === 'docs') e.message = { ...e.message, name: 'docs-renamed' }
      await e.next()
    })
    const res = await app.request('GET', '/api/realtime')
    const reader = res.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    const clientId = /^id:(\w+)/.exec(first)![1]!
    const sub = await app.request('POST', '/api/realtime', {
      body: { clientId, subscriptions: ['docs/*', '@oauth2'] },
    })
    expect(sub.status).toBe(204)
    expect(app.realtime.broker.clientById(clientId)?.hasSubscription('docs')).toBe(true)
    await app.request('POST', '/api/collections/docs/records', { body: { title: 'rt' } })
    let text = ''
    while (!text.includes('docs-renamed')) {
      text += new TextDecoder().decode((await reader.read()).value)
    }
    // the OAuth2 redirect's message goes through the hook too
    const sent = await app.realtime.sendClientMessage(
      { clientId, subscription: '@oauth2', unsubscribe: true },
      { name: '@oauth2', data: '{"state":"s"}' },
    )
    expect(sent).toBe(true)
    while (!text.includes('event:@oauth2')) {
      text += new TextDecoder().decode((await reader.read()).value)
    }
    await reader.cancel()
    while (!events.includes('disconnected')) await new Promise((r) => setImmediate(r))
    expect(events.slice(0, 3)).toEqual([
      'connect:40',
      'message:PB_CONNECT',
      'subscribe:docs/*,@oauth2',
    ])
    expect(events).toContain('message:docs')
    expect(events).toContain('message:@oauth2')
    expect(events.at(-1)).toBe('disconnected')
  })

  test('a connect handler that throws refuses the connection; a subscribe one that skips e.next() changes nothing', async () => {
    const id = app.onRealtimeConnectRequest.bind(() => {
      throw new Error('no realtime today')
    })
    const refused = await app.request('GET', '/api/realtime')
    expect(refused.status).toBe(400)
    app.onRealtimeConnectRequest.unbind(id)
    const res = await app.request('GET', '/api/realtime')
    const reader = res.body!.getReader()
    const clientId = /^id:(\w+)/.exec(new TextDecoder().decode((await reader.read()).value))![1]!
    app.onRealtimeSubscribeRequest.bind(async () => {})
    const sub = await app.request('POST', '/api/realtime', {
      body: { clientId, subscriptions: ['docs/*'] },
    })
    expect(sub.status).toBe(204)
    expect(app.realtime.broker.clientById(clientId)?.hasSubscription('docs/*')).toBe(false)
    await reader.cancel()
  })
})
