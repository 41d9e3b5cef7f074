import { describe, expect, test } from 'vitest'
import { sqliteDialect } from '../tools/db/dialect-sqlite.ts'
import { type FieldJSON, fieldFromJSON, fieldTypes } from './field.ts'
import './fields.ts'
import { AutodateField } from './field-autodate.ts'
import { hashPendingPassword, PasswordField, passwordFromHash } from './field-password.ts'
import { TextField } from './field-text.ts'

const f = (json: Partial<FieldJSON>) => fieldFromJSON({ name: 'x', ...json })

describe('registry', () => {
  test('every PocketBase field type is registered', () => {
    expect(fieldTypes().sort()).toEqual(
      [
        'autodate',
        'bool',
        'date',
        'editor',
        'email',
        'file',
        'geoPoint',
        'json',
        'number',
        'password',
        'relation',
        'select',
        'text',
        'url',
      ].sort(),
    )
  })
})

describe('columnType (as PocketBase 0.40.4 writes CREATE TABLE)', () => {
  test.each<[Partial<FieldJSON>, string]>([
    [{ type: 'text' }, "TEXT DEFAULT '' NOT NULL"],
    [
      { type: 'text', primaryKey: true },
      "TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL",
    ],
    [{ type: 'editor' }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'number' }, 'NUMERIC DEFAULT 0 NOT NULL'],
    [{ type: 'bool' }, 'BOOLEAN DEFAULT FALSE NOT NULL'],
    [{ type: 'email' }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'url' }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'date' }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'autodate' }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'select', maxSelect: 1 }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'select', maxSelect: 2 }, "JSON DEFAULT '[]' NOT NULL"],
    [{ type: 'file' }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'file', maxSelect: 3 }, "JSON DEFAULT '[]' NOT NULL"],
    [{ type: 'relation', maxSelect: 1 }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'relation', maxSelect: 5 }, "JSON DEFAULT '[]' NOT NULL"],
    [{ type: 'json' }, 'JSON DEFAULT NULL'],
    [{ type: 'password' }, "TEXT DEFAULT '' NOT NULL"],
    [{ type: 'geoPoint' }, `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`],
  ])('%o', (json, column) => {
    expect(sqliteDialect.columnType(f(json).columnKind())).toBe(column)
  })
})

describe('toJSON emits every option key (PocketBase 0.40.4 collection JSON)', () => {
  const common = ['hidden', 'id', 'name', 'presentable', 'system', 'type']
  test.each<[string, string[]]>([
    ['text', ['autogeneratePattern', 'help', 'max', 'min', 'pattern', 'primaryKey', 'required']],
    ['editor', ['convertURLs', 'help', 'maxSize', 'required']],
    ['number', ['help', 'max', 'min', 'onlyInt', 'required']],
    ['bool', ['help', 'required']],
    ['email', ['exceptDomains', 'help', 'onlyDomains', 'required']],
    ['url', ['exceptDomains', 'help', 'onlyDomains', 'required']],
    ['date', ['help', 'max', 'min', 'required']],
    ['autodate', ['onCreate', 'onUpdate']],
    ['select', ['help', 'maxSelect', 'required', 'values']],
    ['file', ['help', 'maxSelect', 'maxSize', 'mimeTypes', 'protected', 'required', 'thumbs']],
    ['relation', ['cascadeDelete', 'collectionId', 'help', 'maxSelect', 'minSelect', 'required']],
    ['json', ['help', 'maxSize', 'required']],
    ['password', ['cost', 'help', 'max', 'min', 'pattern', 'required']],
    ['geoPoint', ['help', 'required']],
  ])('%s', (type, keys) => {
    const json = f({ type }).toJSON()
    expect(Object.keys(json).sort()).toEqual([...common, ...keys].sort())
  })

  test('defaults match PocketBase (number min/max null, lists empty)', () => {
    expect(f({ type: 'number' }).toJSON()).toMatchObject({ min: null, max: null, onlyInt: false })
    expect(f({ type: 'file' }).toJSON()).toMatchObject({ mimeTypes: [], thumbs: [], maxSize: 0 })
    expect(f({ type: 'email' }).toJSON()).toMatchObject({ onlyDomains: [], exceptDomains: [] })
  })

  test('round trip of the system id field', () => {
    const id = {
      autogeneratePattern: '[a-z0-9]{15}',
      help: '',
      hidden: false,
      id: 'text3208210256',
      max: 15,
      min: 15,
      name: 'id',
      pattern: '^[a-z0-9]+$',
      presentable: false,
      primaryKey: true,
      required: true,
      system: true,
      type: 'text',
    }
    expect(fieldFromJSON(id).toJSON()).toEqual(id)
  })

  test('unknown keys are dropped', () => {
    expect(f({ type: 'bool', bogus: 1 }).toJSON()).not.toHaveProperty('bogus')
  })
})

describe('prepareValue / driverValue / jsonValue', () => {
  test.each<[string, Partial<FieldJSON>, unknown, unknown, unknown]>([
    // [label, field, input, prepared, driver]
    ['text null', { type: 'text' }, null, '', ''],
    ['text number', { type: 'text' }, 12.5, '12.5', '12.5'],
    ['text bool', { type: 'text' }, true, 'true', 'true'],
    ['text array', { type: 'text' }, ['a', 'b'], '', ''],
    ['editor', { type: 'editor' }, '<p>x</p>', '<p>x</p>', '<p>x</p>'],
    ['email', { type: 'email' }, 'a@b.co', 'a@b.co', 'a@b.co'],
    ['url null', { type: 'url' }, null, '', ''],
    ['number string', { type: 'number' }, '12.5', 12.5, 12.5],
    ['number legacy NULL', { type: 'number' }, null, 0, 0],
    ['number bool', { type: 'number' }, true, 1, 1],
    ['number junk', { type: 'number' }, 'abc', 0, 0],
    ['bool 1', { type: 'bool' }, 1, true, true],
    ['bool 0', { type: 'bool' }, 0, false, false],
    ['bool "true"', { type: 'bool' }, 'true', true, true],
    ['bool "false"', { type: 'bool' }, 'false', false, false],
    ['bool NULL', { type: 'bool' }, null, false, false],
    [
      'date',
      { type: 'date' },
      '2024-11-24T16:37:01.123Z',
      '2024-11-24 16:37:01.123Z',
      '2024-11-24 16:37:01.123Z',
    ],
    [
      'date day',
      { type: 'date' },
      '2024-11-24',
      '2024-11-24 00:00:00.000Z',
      '2024-11-24 00:00:00.000Z',
    ],
    ['date invalid', { type: 'date' }, 'nope', '', ''],
    ['date NULL', { type: 'date' }, null, '', ''],
    [
      'autodate',
      { type: 'autodate' },
      '2024-01-01 00:00:00.000Z',
      '2024-01-01 00:00:00.000Z',
      '2024-01-01 00:00:00.000Z',
    ],
    ['select single keeps last', { type: 'select' }, ['a', 'b'], 'b', 'b'],
    ['select single JSON string', { type: 'select' }, '["a","b"]', 'b', 'b'],
    ['select single empty', { type: 'select' }, [], '', ''],
    [
      'select multi',
      { type: 'select', maxSelect: 3 },
      ['a', 'a', '', 'b'],
      ['a', 'b'],
      '["a","b"]',
    ],
    [
      'select multi JSON string',
      { type: 'select', maxSelect: 3 },
      '["a","b"]',
      ['a', 'b'],
      '["a","b"]',
    ],
    ['select multi legacy bare string', { type: 'select', maxSelect: 3 }, 'a', ['a'], '["a"]'],
    ['select multi NULL', { type: 'select', maxSelect: 3 }, null, [], '[]'],
    ['relation multi', { type: 'relation', maxSelect: 9 }, 'r1', ['r1'], '["r1"]'],
    ['relation single from array', { type: 'relation' }, ['r1', 'r2'], 'r2', 'r2'],
    ['file multi', { type: 'file', maxSelect: 2 }, '["a.png"]', ['a.png'], '["a.png"]'],
    ['file single', { type: 'file' }, 'a.png', 'a.png', 'a.png'],
    ['json NULL', { type: 'json' }, null, null, null],
    ['json ""', { type: 'json' }, '', '', '""'],
    ['json "null"', { type: 'json' }, 'null', null, null],
    ['json "true"', { type: 'json' }, 'true', true, 'true'],
    ['json numeric string', { type: 'json' }, '12', 12, '12'],
    ['json negative', { type: 'json' }, '-1.5', -1.5, '-1.5'],
    ['json quoted string', { type: 'json' }, '"abc"', 'abc', '"abc"'],
    ['json object string', { type: 'json' }, '{"a":[1,2]}', { a: [1, 2] }, '{"a":[1,2]}'],
    ['json array string', { type: 'json' }, '[1, 2]', [1, 2], '[1,2]'],
    ['json plain string', { type: 'json' }, 'hello', 'hello', '"hello"'],
    ['json invalid JSON-looking string', { type: 'json' }, '{oops', '{oops', '"{oops"'],
    ['json leading space', { type: 'json' }, ' 1', ' 1', '" 1"'],
    ['json number', { type: 'json' }, 5, 5, '5'],
    ['json object', { type: 'json' }, { a: 1, b: undefined }, { a: 1 }, '{"a":1}'],
    [
      'geoPoint object',
      { type: 'geoPoint' },
      { lon: 1.5, lat: -2 },
      { lon: 1.5, lat: -2 },
      '{"lon":1.5,"lat":-2}',
    ],
    [
      'geoPoint JSON text',
      { type: 'geoPoint' },
      '{"lat":3,"lon":4}',
      { lon: 4, lat: 3 },
      '{"lon":4,"lat":3}',
    ],
    [
      'geoPoint case-insensitive keys',
      { type: 'geoPoint' },
      { LON: 1, Lat: 2 },
      { lon: 1, lat: 2 },
      '{"lon":1,"lat":2}',
    ],
    [
      'geoPoint bad parts',
      { type: 'geoPoint' },
      { lon: 'x', lat: 5 },
      { lon: 0, lat: 5 },
      '{"lon":0,"lat":5}',
    ],
    ['geoPoint NULL', { type: 'geoPoint' }, null, { lon: 0, lat: 0 }, '{"lon":0,"lat":0}'],
    ['geoPoint junk', { type: 'geoPoint' }, 'nope', { lon: 0, lat: 0 }, '{"lon":0,"lat":0}'],
  ])('%s', (_label, json, input, prepared, driver) => {
    const field = f(json)
    const value = field.prepareValue(input)
    expect(value).toEqual(prepared)
    expect(field.driverValue(value)).toEqual(driver)
    // Preparing the driver value again gives the same prepared value (DB round trip).
    expect(field.prepareValue(field.driverValue(value))).toEqual(prepared)
  })

  test('jsonValue: multi-values are [] never null, json null, password ""', () => {
    expect(
      f({ type: 'select', maxSelect: 2 }).jsonValue(
        f({ type: 'select', maxSelect: 2 }).prepareValue(null),
      ),
    ).toEqual([])
    expect(f({ type: 'json' }).jsonValue(null)).toBeNull()
    expect(f({ type: 'password' }).jsonValue({ hash: '$2a$10$x', plain: 'secret' })).toBe('')
  })

  test('isEmpty follows PocketBase zero values', () => {
    expect(f({ type: 'number' }).isEmpty(0)).toBe(true)
    expect(f({ type: 'bool' }).isEmpty(false)).toBe(true)
    expect(f({ type: 'geoPoint' }).isEmpty({ lon: 0, lat: 0 })).toBe(true)
    for (const v of [null, '', [], {}]) expect(f({ type: 'json' }).isEmpty(v)).toBe(true)
    expect(f({ type: 'json' }).isEmpty(0)).toBe(false)
    expect(f({ type: 'select', maxSelect: 2 }).isEmpty([])).toBe(true)
  })
})

describe('password values', () => {
  const hash = '$2a$10$abcdefghijklmnopqrstuuE4MN6Ph0y/I1Jn5mBDdMoWb9ur0cRFK'
  test('strings are always new plain passwords, even bcrypt-shaped ones; hashes load explicitly', () => {
    const field = new PasswordField({ name: 'password' })
    expect(field.prepareValue(hash)).toEqual({ hash: '', plain: hash })
    expect(field.prepareValue(passwordFromHash(hash))).toEqual({ hash, plain: '' })
    expect(field.prepareValue('secret123')).toEqual({ hash: '', plain: 'secret123' })
    expect(field.driverValue({ hash, plain: '' })).toBe(hash)
    expect(() => field.driverValue({ hash: '', plain: 'secret123' })).toThrow(/unhashed/)
    expect(field.driverValue(null)).toBe('')
  })

  test('hashPendingPassword hashes with the field cost and keeps the plain text', async () => {
    const field = new PasswordField({ name: 'password', cost: 4 })
    const v = await hashPendingPassword(field, field.prepareValue('secret123'))
    expect(v.plain).toBe('secret123')
    expect(v.hash).toMatch(/^\$2a\$04\$/)
    expect(field.driverValue(v)).toBe(v.hash)
    expect(await hashPendingPassword(field, v)).toEqual(v)
  })
})

describe('text autogenerate and autodate', () => {
  test('autogenerate follows the pattern', () => {
    expect(new TextField({ autogeneratePattern: '[a-z0-9]{15}' }).autogenerate()).toMatch(
      /^[a-z0-9]{15}$/,
    )
    expect(new TextField({}).autogenerate()).toBeUndefined()
  })

  test('autodate values per action', () => {
    const created = new AutodateField({ onCreate: true })
    const updated = new AutodateField({ onCreate: true, onUpdate: true })
    expect(created.autoValue('create')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(created.autoValue('update')).toBeUndefined()
    expect(updated.autoValue('update')).toBeDefined()
    expect(updated.autoValue('update', true)).toBeUndefined()
  })
})
