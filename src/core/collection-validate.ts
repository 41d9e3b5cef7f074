import {
  isValidationError,
  required,
  type ValidationError,
  type ValidationErrorMap,
  ValidationErrors,
  validationError,
} from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'
import { buildIndex, isValidIndex, parseIndex } from './collection-index.ts'
import { COLLECTION_TYPES, hasUniqueIndex } from './collection-input.ts'
import { type Collection, RULE_KEYS } from './collection-model.ts'
import { checkRule } from './collection-rule-check.ts'
import { checkAuthOptions } from './collection-validate-auth.ts'
import type { Field } from './field.ts'
import { RelationField } from './field-relation.ts'
import { TextField } from './field-text.ts'

const NAME_RE = /^\w+$/
/** Field names that would clash with record JSON keys or SQL literals (PocketBase). */
const RESERVED_FIELD_NAMES = [
  'null',
  'true',
  'false',
  '_rowid_',
  'collectionId',
  'collectionName',
  'expand',
]
/** Extra names an auth collection cannot use (they are request-only inputs). */
const AUTH_RESERVED_FIELD_NAMES = ['passwordConfirm', 'oldPassword']

const lengthError = (min: number, max: number) =>
  validationError(
    'validation_length_out_of_range',
    `The length must be between ${min} and ${max}.`,
    {
      max,
      min,
    },
  )
const formatError = () => validationError('validation_match_invalid', 'Must be in a valid format.')
const viaError = () => validationError('validation_found_via', 'The value cannot contain "_via_".')
const runeLength = (s: string) => [...s].length

/** Options of {@link validateCollection}. */
export interface ValidateOptions {
  /** The stored collection when updating (undefined on create). */
  readonly original?: Collection
  /** Errors found before validation (e.g. while computing view fields), merged in. */
  readonly extra?: ValidationErrorMap
}

/**
 * Checks a collection before it is saved (PocketBase `collectionValidator`, §7.1): id, name,
 * type, system flag, API rules (must parse), fields (names, ids, duplicates, system fields,
 * type and relation changes, each field's `validateSettings`), indexes, view constraints and
 * auth options. Throws ValidationErrors with one error per top-level key (nested maps for
 * `fields.<i>`, `indexes.<i>` and `passwordAuth`).
 */
export async function validateCollection(
  app: App,
  c: Collection,
  options: ValidateOptions = {},
): Promise<void> {
  const old = options.original
  const errors: ValidationErrorMap = { ...(options.extra ?? {}) }
  const set = (key: string, err: ValidationError | ValidationErrorMap | undefined) => {
    if (err !== undefined && errors[key] === undefined) errors[key] = err
  }

  set('id', checkId(app, c, old))
  set('type', checkType(c, old))
  set('system', old !== undefined && c.system !== old.system ? systemFlagError() : undefined)
  set('name', await checkName(app, c, old))
  for (const key of RULE_KEYS) set(key, checkRuleKey(app, c, old, key))
  set('fields', checkFields(app, c, old))
  set('indexes', await checkIndexes(app, c, old))
  if (c.type === 'view' && c.viewQuery.trim() === '') set('viewQuery', required())
  if (c.type === 'auth' && c.auth !== undefined) {
    for (const [key, err] of Object.entries(checkAuthOptionsOf(app, c))) set(key, err)
  }
  if (Object.keys(errors).length > 0) throw new ValidationErrors(errors)
}

const systemFlagError = () =>
  validationError(
    'validation_collection_system_flag_change',
    'System collection state cannot be changed.',
  )

function checkId(
  app: App,
  c: Collection,
  old: Collection | undefined,
): ValidationError | undefined {
  if (old !== undefined) return undefined
  if (c.id === '') return required()
  if (runeLength(c.id) > 100) return lengthError(1, 100)
  if (!NAME_RE.test(c.id)) return formatError()
  if (app.state.collectionsById.has(c.id)) {
    return validationError(
      'validation_invalid_or_existing_id',
      'The model id is invalid or already exists.',
    )
  }
  return undefined
}

function checkType(c: Collection, old: Collection | undefined): ValidationError | undefined {
  if (!COLLECTION_TYPES.includes(c.type)) {
    return validationError('validation_in_invalid', 'Must be a valid value.')
  }
  if (old !== undefined && old.type !== c.type) {
    return validationError(
      'validation_collection_type_change',
      'Collection type cannot be changed.',
    )
  }
  return undefined
}

async function checkName(
  app: App,
  c: Collection,
  old: Collection | undefined,
): Promise<ValidationError | undefined> {
  const name = c.name
  if (name === '') return required()
  if (runeLength(name) > 255) return lengthError(1, 255)
  if (!NAME_RE.test(name)) return formatError()
  if (name.includes('_via_')) return viaError()
  if (old?.system && old.name !== name) {
    return validationError(
      'validation_collection_system_name_change',
      'System collection name cannot be changed.',
    )
  }
  const lower = name.toLowerCase()
  for (const other of app.collections()) {
    if (other.id === c.id) continue
    if (other.name.toLowerCase() === lower) {
      return validationError(
        'validation_collection_name_exists',
        'Collection name must be unique (case insensitive).',
      )
    }
    if (other.id.toLowerCase() === lower) {
      return validationError(
        'validation_collection_name_id_duplicate',
        'The name must not match an existing collection id.',
      )
    }
  }
  if (old === undefined || old.name.toLowerCase() !== lower) {
    if (await app.db.dialect.hasTable(app.db, lower)) {
      return validationError(
        'validation_collection_name_invalid',
        "The name shouldn't match with an existing internal table.",
      )
    }
  }
  return undefined
}

function ruleError(app: App, c: Collection, rule: string | null): ValidationError | undefined {
  if (rule === null) return undefined
  const raw = checkRule(app, c, rule)
  if (raw === undefined) return undefined
  return validationError('validation_invalid_rule', `Invalid rule. Raw error: ${raw}.`)
}

function checkRuleKey(
  app: App,
  c: Collection,
  old: Collection | undefined,
  key: (typeof RULE_KEYS)[number],
): ValidationError | undefined {
  if (old?.system && old[key] !== c[key]) {
    return validationError(
      'validation_collection_system_rule_change',
      'System collection API rule cannot be changed.',
    )
  }
  if (
    c.type === 'view' &&
    (key === 'createRule' || key === 'updateRule' || key === 'deleteRule') &&
    c[key] !== null
  ) {
    return validationError('validation_nil', 'Must be blank.')
  }
  return ruleError(app, c, c[key])
}

function checkFields(
  app: App,
  c: Collection,
  old: Collection | undefined,
): ValidationError | ValidationErrorMap | undefined {
  if (c.type === 'view') {
    if (c.fields.length === 0) return required()
    const pk = c.getField('id')
    if (!(pk instanceof TextField) || !pk.primaryKey) {
      return validationError('validation_missing_primary_key', 'Missing or invalid "id" PK field.')
    }
  }
  if (old !== undefined && old.type === c.type) {
    for (const of of old.fields) {
      if (!of.system) continue
      const byId = c.getFieldById(of.id)
      const byName = c.fields.find((f) => f.name === of.name)
      if (byId === undefined || byId.name !== of.name || byName?.id !== of.id) {
        return validationError(
          'validation_system_field_change',
          'System fields cannot be deleted or renamed.',
        )
      }
    }
  }
  const dup = checkDuplicates(c.fields)
  if (dup !== undefined) return dup
  const out: ValidationErrorMap = {}
  c.fields.forEach((f, i) => {
    const err = checkField(app, c, old, f)
    if (err !== undefined) out[String(i)] = err
  })
  return Object.keys(out).length > 0 ? out : undefined
}

function checkDuplicates(fields: readonly Field[]): ValidationErrorMap | undefined {
  const ids = new Set<string>()
  const names = new Set<string>()
  for (const [i, f] of fields.entries()) {
    if (ids.has(f.id)) {
      return {
        [String(i)]: {
          id: validationError(
            'validation_duplicated_field_id',
            `Duplicated or invalid field id ${f.id}.`,
            {
              fieldId: f.id,
            },
          ),
        },
      }
    }
    const lower = f.name.toLowerCase()
    if (names.has(lower)) {
      return {
        [String(i)]: {
          name: validationError(
            'validation_duplicated_field_name',
            `Duplicated or invalid field name ${f.name}.`,
            { fieldName: f.name },
          ),
        },
      }
    }
    ids.add(f.id)
    names.add(lower)
  }
  return undefined
}

function checkField(
  app: App,
  c: Collection,
  old: Collection | undefined,
  f: Field,
): ValidationError | ValidationErrorMap | undefined {
  const before = old?.getFieldById(f.id)
  if (before !== undefined && before.type !== f.type) {
    return validationError('validation_field_type_change', 'Field type cannot be changed.')
  }
  const errs: ValidationErrorMap = {}
  const put = (k: string, e: ValidationError | undefined) => {
    if (e !== undefined && errs[k] === undefined) errs[k] = e
  }
  put('id', f.id === '' ? required() : runeLength(f.id) > 100 ? lengthError(1, 100) : undefined)
  put('name', checkFieldName(c, f))
  if (f instanceof RelationField && f.collectionId !== '') {
    const target = app.findCollection(f.collectionId)
    // NOTE: like PocketBase, the change check reads the cached (last saved) collection, which is
    // the stored state before a normal save and the just-saved one during an import.
    const cached = app.state.collectionsById.get(c.id)?.getFieldById(f.id)
    if (cached instanceof RelationField && cached.collectionId !== f.collectionId) {
      put(
        'collectionId',
        validationError(
          'validation_field_relation_change',
          'The relation collection cannot be changed.',
        ),
      )
    } else if (target === undefined || target.id !== f.collectionId) {
      // NOTE: PocketBase takes only the id here (a collection name is "missing").
      put(
        'collectionId',
        validationError(
          'validation_field_relation_missing_collection',
          "The relation collection doesn't exist.",
        ),
      )
    } else if (target.type === 'view' && c.type !== 'view') {
      put(
        'collectionId',
        validationError(
          'validation_relation_field_non_view_base_collection',
          'Only view collections are allowed to have relations to other views.',
        ),
      )
    }
  }
  const own = f.validateSettings(app, c)
  for (const [k, v] of Object.entries(own ?? {})) {
    if (errs[k] === undefined) errs[k] = v
  }
  return Object.keys(errs).length > 0 ? errs : undefined
}

/**
 * The name rules of a field (PocketBase's field name validation): required, 1–100 characters,
 * `^\w+$`, not a reserved name, no `_via_`, and for auth collections not a request-only key.
 */
export function checkFieldName(
  c: Pick<Collection, 'type'>,
  f: Pick<Field, 'name'>,
): ValidationError | undefined {
  const name = f.name
  if (name === '') return required()
  if (runeLength(name) > 100) return lengthError(1, 100)
  if (!NAME_RE.test(name)) return formatError()
  if (RESERVED_FIELD_NAMES.includes(name)) {
    return validationError('validation_not_in_invalid', 'Must not be in list.')
  }
  if (name.includes('_via_')) return viaError()
  if (c.type === 'auth' && AUTH_RESERVED_FIELD_NAMES.includes(name)) {
    return validationError(
      'validation_reserved_field_name',
      'The field name is reserved and cannot be used.',
    )
  }
  return undefined
}

async function checkIndexes(
  app: App,
  c: Collection,
  old: Collection | undefined,
): Promise<ValidationError | ValidationErrorMap | undefined> {
  if (c.type === 'view' && c.indexes.length > 0) {
    return validationError(
      'validation_indexes_not_supported',
      "View collections don't support indexes.",
    )
  }
  const names = new Set<string>()
  const definitions = new Set<string>()
  for (const [i, raw] of c.indexes.entries()) {
    const idx = parseIndex(raw)
    idx.tableName = 'validator'
    if (!isValidIndex(idx)) {
      return {
        [String(i)]: validationError(
          'validation_invalid_index_expression',
          'Invalid CREATE INDEX expression.',
        ),
      }
    }
    const lower = idx.indexName.toLowerCase()
    if (names.has(lower)) {
      return {
        [String(i)]: validationError(
          'validation_duplicated_index_name',
          'The index name already exists.',
        ),
      }
    }
    names.add(lower)
    const owner = await app.db.dialect.indexTable(app.db, idx.indexName)
    const mine = [old?.name ?? c.name, c.name].map((n) => n.toLowerCase())
    if (owner !== undefined && !mine.includes(owner.toLowerCase())) {
      return {
        [String(i)]: validationError(
          'validation_existing_index_name',
          `The index name is already used in ${owner} collection.`,
          { usedTableName: owner },
        ),
      }
    }
    idx.indexName = '__duplicate__'
    const def = buildIndex(idx)
    if (definitions.has(def)) {
      return {
        [String(i)]: validationError(
          'validation_duplicated_index_definition',
          'The index definition already exists.',
        ),
      }
    }
    definitions.add(def)
  }
  if (c.type === 'auth') {
    for (const f of c.fields) {
      if (!f.system || (f.name !== 'tokenKey' && f.name !== 'email')) continue
      if (!hasUniqueIndex(c.indexes, f.name)) {
        return validationError(
          'validation_invalid_unique_system_field_index',
          `Unique index definition on system fields (${f.name}) is invalid or missing.`,
          { fieldName: f.name },
        )
      }
    }
  }
  return undefined
}

/**
 * The auth options' errors in PocketBase's order (`collectionAuthOptions.validate`): first the
 * rules and every option's own checks; only when those pass, MFA's "two auth methods" and rule
 * checks, then (with password auth on) the identity fields.
 */
function checkAuthOptionsOf(app: App, c: Collection): ValidationErrorMap {
  const o = c.auth!
  const out: ValidationErrorMap = {}
  const put = (key: string, err: ValidationError | ValidationErrorMap | undefined) => {
    if (err !== undefined && out[key] === undefined) out[key] = err
  }
  put('authRule', ruleError(app, c, o.authRule))
  for (const [key, err] of Object.entries(checkAuthOptions(c))) put(key, err)
  put('manageRule', ruleError(app, c, o.manageRule))
  if (Object.keys(out).length > 0) return out
  if (o.mfa.enabled) {
    const methods = [o.passwordAuth.enabled, o.oauth2.enabled, o.otp.enabled].filter(Boolean)
    if (methods.length < 2) {
      return {
        mfa: {
          enabled: validationError(
            'validation_mfa_not_enough_auths',
            'MFA requires at least 2 auth methods to be enabled.',
          ),
        },
      }
    }
    const rule = o.mfa.rule === '' ? undefined : ruleError(app, c, o.mfa.rule)
    if (rule !== undefined) return { mfa: { rule } }
  }
  if (o.passwordAuth.enabled) {
    const err = checkIdentityFields(c)
    if (err !== undefined) return { passwordAuth: { identityFields: err } }
  }
  return out
}

function checkIdentityFields(c: Collection): ValidationError | undefined {
  if (c.auth === undefined) return undefined
  for (const name of new Set(c.auth.passwordAuth.identityFields)) {
    if (c.getField(name) === undefined) {
      return validationError('validation_missing_field', `Invalid or missing field ${name}.`, {
        fieldName: name,
      })
    }
    if (!hasUniqueIndex(c.indexes, name)) {
      return validationError(
        'validation_missing_unique_constraint',
        `The field ${name} doesn't have a UNIQUE constraint.`,
        { fieldName: name },
      )
    }
  }
  return undefined
}

/** True when a validation map value is a leaf error (re-exported for the import endpoint). */
export { isValidationError }
