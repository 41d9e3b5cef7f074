import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../tools/db/db.ts'
import { openSqlite } from '../tools/db/sqlite.ts'
import {
  type Field,
  type FieldCollection,
  type FieldContext,
  type FieldJSON,
  type FieldRecord,
  fieldFromJSON,
} from './field.ts'
import './fields.ts'

// Expected codes, messages and params were taken from PocketBase 0.40.4 responses.

let dir: string
let db: Db
const collections: FieldCollection[] = []
const ctx: FieldContext = {
  get db() {
    return db
  },
  findCollection: (idOrName) =>
    collections.find((c) => c.id === idOrName || c.name.toLowerCase() === idOrName.toLowerCase()),
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'satchel-fields-'))
  db = openSqlite(join(dir, 'data.db'))
  await db.exec(
    "CREATE TABLE users (id TEXT PRIMARY KEY NOT NULL); INSERT INTO users VALUES ('u1'), ('u2');" +
      "CREATE TABLE pk (id TEXT PRIMARY KEY NOT NULL); INSERT INTO pk VALUES ('abc');",
  )
  collections.push({ id: '_pb_users_auth_', name: 'users', type: 'auth', fields: [] })
})

afterAll(async () => {
  await db.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Opts {
  isNew?: boolean
  original?: unknown
  collection?: FieldCollection
}

function recordWith(field: Field, input: unknown, opts: Opts = {}): FieldRecord {
  const value = field.prepareValue(input)
  return {
    isNew: opts.isNew ?? true,
    collection: opts.collection,
    get: (name) => (name === field.name ? value : undefined),
    original: (name) =>
      name === field.name && opts.original !== undefined
        ? field.prepareValue(opts.original)
        : undefined,
  }
}

async function check(json: Partial<FieldJSON>, input: unknown, opts: Opts = {}) {
  const field = fieldFromJSON({ name: 'f', ...json })
  return field.validateValue(ctx, recordWith(field, input, opts))
}

type Case = [
  string,
  Partial<FieldJSON>,
  unknown,
  string | undefined,
  string?,
  Record<string, unknown>?,
]

describe('validateValue', () => {
  test.each<Case>([
    // text
    ['text ok', { type: 'text' }, 'hi', undefined],
    [
      'text required',
      { type: 'text', required: true },
      '',
      'validation_required',
      'Cannot be blank.',
    ],
    [
      'text min',
      { type: 'text', min: 3 },
      'ab',
      'validation_min_text_constraint',
      'Must be at least 3 character(s).',
      { min: 3 },
    ],
    [
      'text max',
      { type: 'text', max: 5 },
      'abcdef',
      'validation_max_text_constraint',
      'Must be no more than 5 character(s).',
      { max: 5 },
    ],
    ['text runes', { type: 'text', max: 2 }, 'üü', undefined],
    [
      'text default max 5000',
      { type: 'text' },
      'x'.repeat(5001),
      'validation_max_text_constraint',
      'Must be no more than 5000 character(s).',
      { max: 5000 },
    ],
    [
      'text pattern',
      { type: 'text', pattern: '^[a-z]+$' },
      'ABC',
      'validation_invalid_format',
      'Invalid value format.',
    ],
    ['text empty skips rules', { type: 'text', min: 3, pattern: '^x$' }, '', undefined],
    // editor
    [
      'editor size',
      { type: 'editor', maxSize: 10 },
      '12345678901',
      'validation_content_size_limit',
      'The maximum allowed content size is 10 bytes.',
      { maxSize: 10 },
    ],
    ['editor ok', { type: 'editor', maxSize: 10 }, '1234567890', undefined],
    // number
    ['number required 0', { type: 'number', required: true }, 0, 'validation_required'],
    [
      'number NaN',
      { type: 'number' },
      'NaN',
      'validation_not_a_number',
      'The submitted number is not properly formatted.',
    ],
    ['number Inf', { type: 'number' }, 'Inf', 'validation_not_a_number'],
    [
      'number onlyInt',
      { type: 'number', onlyInt: true },
      2.5,
      'validation_only_int_constraint',
      'Decimal numbers are not allowed.',
    ],
    [
      'number min',
      { type: 'number', min: 2 },
      1,
      'validation_min_number_constraint',
      'Must be greater or equal than 2.',
      { min: 2 },
    ],
    [
      'number min float',
      { type: 'number', min: 1.5 },
      1,
      'validation_min_number_constraint',
      'Must be greater or equal than 1.5.',
      { min: 1.5 },
    ],
    [
      'number min big',
      { type: 'number', min: 1000000 },
      5,
      'validation_min_number_constraint',
      'Must be greater or equal than 1e+06.',
      { min: 1000000 },
    ],
    [
      'number max',
      { type: 'number', max: 10.25 },
      11,
      'validation_max_number_constraint',
      'Must be less or equal than 10.25.',
      { max: 10.25 },
    ],
    [
      'number max tiny',
      { type: 'number', max: 0.00001 },
      1,
      'validation_max_number_constraint',
      'Must be less or equal than 1e-05.',
      { max: 0.00001 },
    ],
    ['number ok', { type: 'number', min: 0, max: 10, onlyInt: true }, '7', undefined],
    // bool
    ['bool required false', { type: 'bool', required: true }, false, 'validation_required'],
    ['bool required true', { type: 'bool', required: true }, 'true', undefined],
    // email
    [
      'email format',
      { type: 'email' },
      'bad',
      'validation_is_email',
      'Must be a valid email address.',
    ],
    ['email no tld', { type: 'email' }, 'a@b', 'validation_is_email'],
    [
      'email onlyDomains',
      { type: 'email', onlyDomains: ['x.com'] },
      'a@y.com',
      'validation_email_domain_not_allowed',
      'Email domain is not allowed.',
    ],
    [
      'email onlyDomains is case-sensitive',
      { type: 'email', onlyDomains: ['x.com'] },
      'a@X.com',
      'validation_email_domain_not_allowed',
    ],
    [
      'email exceptDomains',
      { type: 'email', exceptDomains: ['x.com'] },
      'a@x.com',
      'validation_email_domain_not_allowed',
    ],
    ['email ok', { type: 'email', onlyDomains: ['x.com'] }, 'a.b+c@x.com', undefined],
    // url
    ['url format', { type: 'url' }, 'bad', 'validation_invalid_url', 'Must be a valid url.'],
    ['url upper-case scheme', { type: 'url' }, 'HTTP://X.COM', 'validation_invalid_url'],
    // Checked on PocketBase 0.40.4: without `:` a url needs a dot somewhere.
    ['url single word', { type: 'url' }, 'nope', 'validation_invalid_url'],
    ['url dotless host', { type: 'url' }, 'localhost', 'validation_invalid_url'],
    ['url dotless path', { type: 'url' }, 'nope/x', 'validation_invalid_url'],
    ['url dotted path', { type: 'url' }, 'x.y/z', undefined],
    ['url word with port', { type: 'url' }, 'nope:80', undefined],
    ['url no scheme ok', { type: 'url' }, 'example.com/x', undefined],
    [
      'url onlyDomains',
      { type: 'url', onlyDomains: ['x.com'] },
      'http://y.com',
      'validation_url_domain_not_allowed',
      'Url domain is not allowed.',
    ],
    [
      'url onlyDomains host with port',
      { type: 'url', onlyDomains: ['x.com'] },
      'http://a@x.com:80/p',
      'validation_url_domain_not_allowed',
    ],
    [
      'url onlyDomains no scheme',
      { type: 'url', onlyDomains: ['x.com'] },
      'x.com',
      'validation_url_domain_not_allowed',
    ],
    [
      'url onlyDomains ok',
      { type: 'url', onlyDomains: ['x.com'] },
      'https://x.com/a?b#c',
      undefined,
    ],
    [
      'url exceptDomains',
      { type: 'url', exceptDomains: ['x.com'] },
      'https://x.com',
      'validation_url_domain_not_allowed',
    ],
    // date
    ['date required', { type: 'date', required: true }, 'garbage', 'validation_required'],
    [
      'date min',
      { type: 'date', min: '2024-01-01' },
      '2023-01-01',
      'validation_min_greater_equal_than_required',
      'Must be no less than 2024-01-01 00:00:00 +0000 UTC.',
      { threshold: '2024-01-01T00:00:00Z' },
    ],
    [
      'date min ms',
      { type: 'date', min: '2024-01-01 10:00:00.120Z' },
      '2023-01-01',
      'validation_min_greater_equal_than_required',
      'Must be no less than 2024-01-01 10:00:00.12 +0000 UTC.',
      { threshold: '2024-01-01T10:00:00.12Z' },
    ],
    [
      'date max',
      { type: 'date', max: '2025-01-01 10:00:00.000Z' },
      '2026-01-01',
      'validation_max_less_equal_than_required',
      'Must be no greater than 2025-01-01 10:00:00 +0000 UTC.',
      { threshold: '2025-01-01T10:00:00Z' },
    ],
    [
      'date in range',
      { type: 'date', min: '2024-01-01', max: '2025-01-01' },
      '2024-06-01',
      undefined,
    ],
    // select
    [
      'select too many',
      { type: 'select', values: ['a', 'b', 'c'], maxSelect: 2 },
      ['a', 'b', 'c'],
      'validation_too_many_values',
      'Select no more than 2.',
      { maxSelect: 2 },
    ],
    [
      'select invalid',
      { type: 'select', values: ['a', 'b'], maxSelect: 2 },
      ['z'],
      'validation_invalid_value',
      'Invalid value z.',
      { value: 'z' },
    ],
    [
      'select single keeps last valid',
      { type: 'select', values: ['a', 'b'] },
      ['z', 'a'],
      undefined,
    ],
    [
      'select required',
      { type: 'select', values: ['a'], required: true },
      [],
      'validation_required',
    ],
    // relation
    [
      'relation not enough',
      { type: 'relation', collectionId: '_pb_users_auth_', minSelect: 2, maxSelect: 3 },
      ['u1'],
      'validation_not_enough_values',
      'Select at least 2.',
      { minSelect: 2 },
    ],
    [
      'relation too many',
      { type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 3 },
      ['a', 'b', 'c', 'd'],
      'validation_too_many_values',
      'Select no more than 3.',
      { maxSelect: 3 },
    ],
    [
      'relation missing records',
      { type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 3 },
      ['u1', 'x'],
      'validation_missing_rel_records',
      'Failed to find all relation records with the provided ids.',
    ],
    [
      'relation ok',
      { type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 3 },
      ['u1', 'u2'],
      undefined,
    ],
    ['relation ok by name', { type: 'relation', collectionId: 'users' }, 'u2', undefined],
    [
      'relation missing collection',
      { type: 'relation', collectionId: 'nope' },
      'u1',
      'validation_missing_rel_collection',
    ],
    // file
    [
      'file unknown name on create',
      { type: 'file', maxSelect: 2 },
      ['a', 'b', 'c'],
      'validation_invalid_file',
      'Invalid new files: [a b c].',
      { invalidFiles: ['a', 'b', 'c'] },
    ],
    [
      'file single keeps last',
      { type: 'file' },
      ['a', 'b'],
      'validation_invalid_file',
      'Invalid new files: [b].',
      { invalidFiles: ['b'] },
    ],
    ['file required', { type: 'file', required: true }, [], 'validation_required'],
    // json
    [
      'json size',
      { type: 'json', maxSize: 10 },
      [1, 2, 3, 4, 5, 6, 7],
      'validation_json_size_limit',
      'The maximum allowed JSON size is 10 bytes.',
      { maxSize: 10 },
    ],
    ['json required {}', { type: 'json', required: true }, '{}', 'validation_required'],
    ['json required ""', { type: 'json', required: true }, '', 'validation_required'],
    ['json required []', { type: 'json', required: true }, '[]', 'validation_required'],
    ['json required 0 ok', { type: 'json', required: true }, 0, undefined],
    // password
    ['password required', { type: 'password', required: true }, '', 'validation_required'],
    [
      'password min',
      { type: 'password', min: 3 },
      '12',
      'validation_min_text_constraint',
      'Must be at least 3 character(s).',
    ],
    [
      'password max',
      { type: 'password', max: 6 },
      '1234567',
      'validation_max_text_constraint',
      'Must be less than 6 character(s).',
    ],
    [
      'password default max 71',
      { type: 'password' },
      'x'.repeat(72),
      'validation_max_text_constraint',
      'Must be less than 71 character(s).',
    ],
    [
      'password over 72 bytes (bcrypt) is an invalid value',
      { type: 'password', max: 100 },
      'é'.repeat(40),
      'validation_invalid_value',
      'Invalid value.',
    ],
    [
      'password pattern',
      { type: 'password', pattern: '^[0-9]+$' },
      'abcd',
      'validation_invalid_format',
      'Invalid value format.',
    ],
    [
      'a bcrypt-shaped input is a plain password and must meet min',
      { type: 'password', min: 100, required: true },
      '$2a$10$abcdefghijklmnopqrstuuE4MN6Ph0y/I1Jn5mBDdMoWb9ur0cRFK',
      'validation_min_text_constraint',
    ],
    // geoPoint
    [
      'geoPoint latitude',
      { type: 'geoPoint' },
      { lon: 200, lat: 100 },
      'validation_invalid_latitude',
      'Latitude must be between -90 and 90 degrees.',
    ],
    [
      'geoPoint longitude',
      { type: 'geoPoint' },
      { lon: 200, lat: 10 },
      'validation_invalid_longitude',
      'Longitude must be between -180 and 180 degrees.',
    ],
    [
      'geoPoint required',
      { type: 'geoPoint', required: true },
      { lon: 0, lat: 0 },
      'validation_required',
    ],
    ['geoPoint ok', { type: 'geoPoint', required: true }, { lon: 0, lat: 90 }, undefined],
    // autodate never fails
    ['autodate', { type: 'autodate', onCreate: true }, 'junk', undefined],
  ])('%s', async (_label, json, input, code, message, params) => {
    const err = await check(json, input)
    if (code === undefined) {
      expect(err).toBeUndefined()
      return
    }
    expect(err?.code).toBe(code)
    if (message !== undefined) expect(err?.message).toBe(message)
    if (params !== undefined) expect(err?.params).toEqual(params)
  })

  test('file: plain names already on the record are valid; too many files', async () => {
    const json = { type: 'file', maxSelect: 2 }
    expect(
      await check(json, ['a.png'], { isNew: false, original: ['a.png', 'b.png'] }),
    ).toBeUndefined()
    expect(
      (await check(json, ['a.png', 'x.png'], { isNew: false, original: ['a.png'] }))?.params,
    ).toEqual({ invalidFiles: ['x.png'] })
    expect(
      await check({ type: 'file', maxSelect: 2 }, ['a', 'b', 'c'], {
        isNew: false,
        original: ['a', 'b', 'c'],
      }),
    ).toEqual({
      code: 'validation_too_many_files',
      message: 'The maximum allowed files is 2.',
      params: { maxSelect: 2 },
    })
  })
})

describe('primary key', () => {
  const pkColl: FieldCollection = { id: 'pbc_pk', name: 'pk', type: 'base', fields: [] }
  const custom = { type: 'text', name: 'id', primaryKey: true, required: true, pattern: '^.*$' }
  const def = { ...custom, pattern: '^[a-z0-9]+$', min: 15, max: 15 }
  const pk = async (json: Partial<FieldJSON>, id: string, opts: Opts = {}) => {
    const field = fieldFromJSON(json)
    return field.validateValue(ctx, recordWith(field, id, { collection: pkColl, ...opts }))
  }

  test.each<[string, string | undefined, Record<string, unknown>?]>([
    ['a.b', 'validation_forbidden_pk_character', { ch: '.' }],
    ['a b', 'validation_forbidden_pk_character', { ch: ' ' }],
    ['a\tb', 'validation_forbidden_pk_character', { ch: '\t' }],
    ["a'b", 'validation_forbidden_pk_character', { ch: "'" }],
    ['COM1', 'validation_reserved_pk', { reserved: 'COM1' }],
    ['nul', 'validation_reserved_pk', { reserved: 'NUL' }],
    ['COM10', undefined],
    ['ABC', 'validation_pk_invalid'],
    ['abc', 'validation_pk_invalid'],
    ['a#b', undefined],
    ['', 'validation_required'],
  ])('custom pattern: %o', async (id, code, params) => {
    const err = await pk(custom, id)
    expect(err?.code).toBe(code)
    if (params) expect(err?.params).toEqual(params)
  })

  test('messages', async () => {
    expect((await pk(custom, 'a.b'))?.message).toBe("'.' is not a valid primary key character.")
    expect((await pk(custom, 'aux'))?.message).toBe(
      "The primary key 'AUX' is reserved and cannot be used.",
    )
    expect((await pk(custom, 'ABC'))?.message).toBe(
      'The record primary key is invalid or already exists.',
    )
  })

  test('default pattern: only length and pattern (duplicates are left to the UNIQUE index)', async () => {
    expect((await pk(def, 'abc'))?.code).toBe('validation_min_text_constraint')
    expect((await pk(def, 'ABCDEFGHIJKLMNO'))?.code).toBe('validation_invalid_format')
    expect(await pk({ ...def, min: 0, max: 0 }, 'con')).toBeUndefined()
  })

  test('an existing record cannot change its id', async () => {
    const err = await pk(custom, 'new', { isNew: false, original: 'old' })
    expect(err).toEqual({
      code: 'validation_pk_change',
      message: 'The record primary key cannot be changed.',
    })
    expect(await pk(custom, 'COM1', { isNew: false, original: 'COM1' })).toBeUndefined()
  })
})
