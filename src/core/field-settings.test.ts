import { describe, expect, test } from 'vitest'
import type { Db } from '../tools/db/db.ts'
import { type FieldCollection, type FieldContext, type FieldJSON, fieldFromJSON } from './field.ts'
import './fields.ts'

// Expected error maps were taken from PocketBase 0.40.4 (POST /api/collections with bad options).

const users: FieldCollection = { id: '_pb_users_auth_', name: 'users', type: 'auth', fields: [] }
const view: FieldCollection = { id: 'pbc_view', name: 'vw', type: 'view', fields: [] }
const ctx: FieldContext = {
  db: undefined as unknown as Db,
  findCollection: (idOrName) => [users, view].find((c) => c.id === idOrName || c.name === idOrName),
}
const base: FieldCollection = { id: 'pbc_base', name: 'z', type: 'base', fields: [] }

function settings(json: Partial<FieldJSON>, collection = base) {
  const field = fieldFromJSON({ name: 'f', ...json })
  const coll = { ...collection, fields: [...collection.fields, field] }
  return field.validateSettings(ctx, coll)
}

const min = (threshold: number) => ({
  code: 'validation_min_greater_equal_than_required',
  message: `Must be no less than ${threshold}.`,
  params: { threshold },
})
const max = (threshold: number) => ({
  code: 'validation_max_less_equal_than_required',
  message: `Must be no greater than ${threshold}.`,
  params: { threshold },
})
const requiredErr = { code: 'validation_required', message: 'Cannot be blank.' }

describe('validateSettings', () => {
  test.each<[string, Partial<FieldJSON>, unknown]>([
    ['text ok', { type: 'text', min: 1, max: 5 }, undefined],
    ['text max < min', { type: 'text', min: 10, max: 5 }, { max: min(10) }],
    ['text negative min', { type: 'text', min: -1 }, { min: min(0) }],
    [
      'text over safe int',
      { type: 'text', min: 9007199254740992, max: 9007199254740992 },
      { min: max(9007199254740991), max: max(9007199254740991) },
    ],
    ['select no values', { type: 'select' }, { values: requiredErr }],
    [
      'select maxSelect > values',
      { type: 'select', values: ['a'], maxSelect: 3 },
      { maxSelect: max(1) },
    ],
    [
      'select negative maxSelect',
      { type: 'select', values: ['a'], maxSelect: -1 },
      { maxSelect: min(0) },
    ],
    ['relation no collection', { type: 'relation' }, { collectionId: requiredErr }],
    [
      'relation unknown collection',
      { type: 'relation', collectionId: 'nope' },
      {
        collectionId: {
          code: 'validation_field_relation_missing_collection',
          message: "The relation collection doesn't exist.",
        },
      },
    ],
    [
      'relation to a view',
      { type: 'relation', collectionId: 'pbc_view', minSelect: 3, maxSelect: 2 },
      {
        collectionId: {
          code: 'validation_field_relation_missing_collection',
          message: "The relation collection doesn't exist.",
        },
        maxSelect: min(3),
      },
    ],
    [
      'relation negative',
      { type: 'relation', collectionId: 'users', minSelect: -1, maxSelect: -1 },
      { minSelect: min(0) },
    ],
    [
      'file thumbs',
      { type: 'file', thumbs: ['0x0', '10x', '10x10z', '10x10t', '0x10'], maxSelect: -1 },
      {
        maxSelect: min(0),
        thumbs: {
          0: { code: 'validation_not_in_invalid', message: 'Must not be in list.' },
          1: { code: 'validation_match_invalid', message: 'Must be in a valid format.' },
          2: { code: 'validation_match_invalid', message: 'Must be in a valid format.' },
        },
      },
    ],
    [
      'password cost low, max high',
      { type: 'password', cost: 3, max: 72 },
      { cost: min(4), max: max(71) },
    ],
    [
      'password cost high, min negative',
      { type: 'password', cost: 32, min: -1 },
      { cost: max(31), min: min(1) },
    ],
    [
      'autodate without triggers',
      { type: 'autodate' },
      {
        onCreate: {
          code: 'validation_required',
          message: 'Either onCreate or onUpdate must be enabled.',
        },
        onUpdate: {
          code: 'validation_required',
          message: 'Either onCreate or onUpdate must be enabled.',
        },
      },
    ],
    [
      'email both domain lists',
      { type: 'email', onlyDomains: ['x.com'], exceptDomains: ['y.com'] },
      {
        onlyDomains: { code: 'validation_empty', message: 'Must be blank.' },
        exceptDomains: { code: 'validation_empty', message: 'Must be blank.' },
      },
    ],
    [
      'url bad domain entry',
      { type: 'url', exceptDomains: ['localhost', 'x.y'] },
      {
        exceptDomains: { 0: { code: 'validation_is_domain', message: 'Must be a valid domain.' } },
      },
    ],
    ['json negative maxSize', { type: 'json', maxSize: -1 }, { maxSize: min(0) }],
    ['editor negative maxSize', { type: 'editor', maxSize: -5 }, { maxSize: min(0) }],
    [
      'number onlyInt bounds',
      { type: 'number', onlyInt: true, min: 1.5, max: 0.5 },
      {
        min: {
          code: 'validation_only_int_constraint',
          message: 'Decimal numbers are not allowed.',
        },
        max: {
          code: 'validation_only_int_constraint',
          message: 'Decimal numbers are not allowed.',
        },
      },
    ],
    [
      'number max < min',
      { type: 'number', min: 1000000, max: 0.00001 },
      {
        max: {
          code: 'validation_min_number_constraint',
          message: 'Must be greater or equal than 1e+06.',
          params: { min: 1000000 },
        },
      },
    ],
    [
      'help too long',
      { type: 'bool', help: 'x'.repeat(301) },
      {
        help: {
          code: 'validation_length_out_of_range',
          message: 'The length must be between 1 and 300.',
          params: { max: 300, min: 1 },
        },
      },
    ],
    [
      'date min after max is allowed',
      { type: 'date', min: '2025-01-01', max: '2024-01-01' },
      undefined,
    ],
    ['geoPoint', { type: 'geoPoint' }, undefined],
  ])('%s', (_label, json, expected) => {
    expect(settings(json)).toEqual(expected)
  })

  test('text regex and autogenerate checks', () => {
    const errs = settings({ type: 'text', pattern: '(', autogeneratePattern: '[' })
    expect(errs?.pattern).toMatchObject({ code: 'validation_invalid_regex' })
    expect(errs?.autogeneratePattern).toMatchObject({ code: 'validation_invalid_regex' })
    expect(
      settings({ type: 'text', autogeneratePattern: '[a-z]{3}', pattern: '^[0-9]+$' })
        ?.autogeneratePattern,
    ).toMatchObject({ code: 'validation_invalid_autogenerate_pattern_value' })
    expect(settings({ type: 'text', autogeneratePattern: '[a-z]{3}', max: 2 })).toHaveProperty(
      'autogeneratePattern.code',
      'validation_invalid_autogenerate_pattern_value',
    )
  })

  test('primary key rules', () => {
    const other = fieldFromJSON({
      type: 'text',
      name: 'id',
      primaryKey: true,
      required: true,
      pattern: 'x',
    })
    const errs = settings(
      { type: 'text', name: 't4', primaryKey: true, hidden: true },
      { ...base, fields: [other] },
    )
    expect(errs).toEqual({
      hidden: { code: 'validation_empty', message: 'Must be blank.' },
      name: { code: 'validation_in_invalid', message: 'The primary key must be named "id".' },
      pattern: requiredErr,
      primaryKey: {
        code: 'validation_unsupported_composite_pk',
        message: 'Composite PKs are not supported and the collection must have only 1 PK.',
      },
      required: requiredErr,
    })
  })
})
