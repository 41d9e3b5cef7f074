import sharp from 'sharp'
import { newRecordToken } from '../core/record-tokens.ts'
import { createTestCollection } from '../tests/record-fixtures.ts'
import type { TestApp } from '../tests/test-app.ts'

const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' }

/** A solid-colour test image (`format`: png, jpeg, gif or webp). */
export function testImage(
  width: number,
  height: number,
  format: 'png' | 'jpeg' | 'gif' | 'webp' = 'png',
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 20, b: 20 } } })
    .toFormat(format)
    .toBuffer()
}

/** A multipart body: `[name, value]` strings and `[name, bytes, fileName]` files. */
export function form(...parts: ([string, string] | [string, Buffer | string, string])[]): FormData {
  const f = new FormData()
  for (const p of parts) {
    if (p.length === 2) f.append(p[0], p[1])
    else f.append(p[0], new Blob([typeof p[1] === 'string' ? p[1] : new Uint8Array(p[1])]), p[2])
  }
  return f
}

/**
 * The files test schema: `docs` (open rules) with `title`, `one` (single file, thumbs 50x50 and
 * 20x0), `many` (≤5 files, maxSize 1000, png/text only) and `secret` (protected, single);
 * `vault` (viewRule `@request.auth.id != ""`, protected `doc`); `docs_view` (view of docs: id,
 * one). Plus a superuser (`admin@example.com`) and a user `u@example.com`.
 */
export async function seedFilesSchema(app: TestApp): Promise<void> {
  await createTestCollection(app, {
    name: 'docs',
    ...open,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'one', type: 'file', maxSelect: 1, maxSize: 1_000_000, thumbs: ['50x50', '20x0'] },
      {
        name: 'many',
        type: 'file',
        maxSelect: 5,
        maxSize: 1000,
        mimeTypes: ['image/png', 'text/plain'],
      },
      { name: 'secret', type: 'file', protected: true, maxSelect: 1 },
    ],
  })
  await createTestCollection(app, {
    name: 'vault',
    ...open,
    viewRule: '@request.auth.id != "" && @request.context = "protectedFile"',
    fields: [{ name: 'doc', type: 'file', protected: true, maxSelect: 1 }],
  })
  await createTestCollection(app, {
    name: 'docs_view',
    type: 'view',
    listRule: '',
    viewRule: '',
    viewQuery: 'SELECT id, one FROM docs',
    fields: [
      { name: 'id', type: 'text', primaryKey: true },
      { name: 'one', type: 'file', maxSelect: 1 },
    ],
  })
  const su = await app.createSuperuser()
  const user = await app.createAuthRecord('users', {
    email: 'u@example.com',
    password: '1234567890',
  })
  tokens.set(app, { superuser: su.token, user: user.token, userRecord: user.record })
}

const tokens = new WeakMap<
  TestApp,
  {
    superuser: string
    user: string
    userRecord: Awaited<ReturnType<TestApp['createAuthRecord']>>['record']
  }
>()

/** Authorization headers of the seeded superuser. */
export async function superuserHeaders(app: TestApp): Promise<{ [key: string]: string }> {
  return { Authorization: tokens.get(app)!.superuser }
}

/** Authorization headers of the seeded user. */
export async function userHeaders(app: TestApp): Promise<{ [key: string]: string }> {
  return { Authorization: tokens.get(app)!.user }
}

/** A file token of the seeded user. */
export function userFileToken(app: TestApp): Promise<string> {
  return newRecordToken(tokens.get(app)!.userRecord, 'fileToken')
}
