import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import type { Env } from '../apis/middlewares.ts'
import { createRouter } from '../apis/router.ts'
import { App } from '../core/app.ts'
import { Record } from '../core/record-model.ts'
import { saveRecord } from '../core/record-save.ts'
import { newAuthToken } from '../core/record-tokens.ts'
import '../migrations/index.ts'

/**
 * TestApp is an App on a fresh temporary data dir (PocketBase's `tests.TestApp`), with its HTTP
 * router for in-process requests and a counter of fired hooks by name. Call `cleanup()` after.
 */
export class TestApp extends App {
  readonly router: Hono<Env>
  /** How many times each model hook fired (e.g. `onRecordCreate`). */
  readonly eventCalls = new Map<string, number>()

  private constructor(dir: string) {
    super({ dataDir: dir, dev: false, queryTimeoutMs: 30_000 })
    this.router = createRouter(this)
  }

  /** Creates and bootstraps a TestApp in a new temp dir. */
  static async create(): Promise<TestApp> {
    const app = new TestApp(mkdtempSync(join(tmpdir(), 'satchel-test-')))
    await app.bootstrap()
    app.#countEvents()
    return app
  }

  #countEvents(): void {
    for (const key of Object.keys(this) as (keyof this)[]) {
      const hook = this[key] as unknown
      if (
        typeof key !== 'string' ||
        !key.startsWith('on') ||
        // NOTE: tagged hooks (`app.onRecordCreate('posts')`) are callable objects
        (typeof hook !== 'object' && typeof hook !== 'function') ||
        hook === null
      )
        continue
      if (!('bind' in hook)) continue
      ;(
        hook as { bind: (fn: (e: { next(): Promise<void> }) => Promise<void>, o: object) => string }
      ).bind(
        async (e) => {
          this.eventCalls.set(key, (this.eventCalls.get(key) ?? 0) + 1)
          await e.next()
        },
        { priority: -1000 },
      )
    }
  }

  /** Sends a request to the router in-process. */
  request(
    method: string,
    url: string,
    init: {
      headers?: RequestInit['headers']
      body?: NonNullable<RequestInit['body']> | object
    } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers)
    let body = init.body as NonNullable<RequestInit['body']> | undefined
    if (
      init.body !== undefined &&
      typeof init.body === 'object' &&
      !(init.body instanceof FormData) &&
      !(init.body instanceof Uint8Array)
    ) {
      body = JSON.stringify(init.body)
      if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    }
    return Promise.resolve(this.router.request(url, { method, headers, body }))
  }

  /** Creates a superuser and returns it with a fresh auth token. */
  async createSuperuser(
    email = 'admin@example.com',
    password = '1234567890',
  ): Promise<{ record: Record; token: string }> {
    return this.createAuthRecord('_superusers', { email, password })
  }

  /** Creates an auth record (password also used as passwordConfirm) and returns it with a token. */
  async createAuthRecord(
    collection: string,
    data: { [key: string]: unknown },
  ): Promise<{ record: Record; token: string }> {
    const record = new Record(this.findCollectionByNameOrId(collection))
    for (const [k, v] of Object.entries(data)) record.set(k, v)
    await saveRecord(this, record)
    return { record, token: await newAuthToken(record) }
  }

  /** Closes the databases and removes the temp dir. */
  async cleanup(): Promise<void> {
    await this.close()
    rmSync(this.dataDir.root, { recursive: true, force: true })
  }
}
