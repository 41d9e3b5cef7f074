import {
  required,
  type ValidationError,
  type ValidationErrorMap,
  validationError,
} from '../tools/validation/validation-errors.ts'
import {
  type Field,
  type FieldCollection,
  type FieldContext,
  type FieldJSON,
  type FieldRecord,
  registerField,
} from './field.ts'
import {
  checkHelp,
  checkRange,
  collectErrors,
  MultiValueFieldBase,
  optHelp,
  optNumber,
  optString,
  tooManyValues,
  toStringArray,
} from './field-values.ts'

/**
 * RelationField is PocketBase's `relation` field: ids of records of the collection
 * `collectionId`, one (`maxSelect` ≤ 1, a string) or several (`maxSelect` > 1, a unique string
 * list in a JSON column), with `minSelect` and `cascadeDelete`.
 */
export class RelationField extends MultiValueFieldBase implements Field {
  readonly type = 'relation'
  help: string
  required: boolean
  collectionId: string
  cascadeDelete: boolean
  minSelect: number
  maxSelect: number

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.collectionId = optString(json.collectionId)
    this.cascadeDelete = json.cascadeDelete === true
    this.minSelect = optNumber(json.minSelect)
    this.maxSelect = optNumber(json.maxSelect)
  }

  async validateValue(
    ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const ids = toStringArray(record.get(this.name))
    if (ids.length === 0) return this.required ? required() : undefined
    if (this.minSelect > 0 && ids.length < this.minSelect) {
      return validationError('validation_not_enough_values', `Select at least ${this.minSelect}.`, {
        minSelect: this.minSelect,
      })
    }
    const maxSelect = Math.max(this.maxSelect, 1)
    if (ids.length > maxSelect) return tooManyValues(maxSelect)

    const target = ctx.findCollection(this.collectionId)
    if (target === undefined) {
      return validationError(
        'validation_missing_rel_collection',
        'Relation connection is missing or cannot be accessed.',
      )
    }
    const q = ctx.db.dialect.quoteIdent
    const row = await ctx.db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${q(target.name)} WHERE ${q('id')} IN (${ids.map(() => '?').join(', ')})`,
      ids,
    )
    if (Number(row?.n ?? 0) !== ids.length) {
      return validationError(
        'validation_missing_rel_records',
        'Failed to find all relation records with the provided ids.',
      )
    }
    return undefined
  }

  validateSettings(ctx: FieldContext, collection: FieldCollection): ValidationErrorMap | undefined {
    let collectionErr: ValidationError | undefined
    if (this.collectionId === '') {
      collectionErr = required()
    } else {
      const target = ctx.findCollection(this.collectionId)
      // A view may relate to anything; other collections cannot relate to a view.
      const missing = target === undefined || (collection.type !== 'view' && target.type === 'view')
      if (missing) {
        collectionErr = validationError(
          'validation_field_relation_missing_collection',
          "The relation collection doesn't exist.",
        )
      }
    }
    return collectErrors([
      ['help', checkHelp(this.help)],
      ['collectionId', collectionErr],
      ['minSelect', checkRange(this.minSelect, 0)],
      ['maxSelect', checkRange(this.maxSelect, this.minSelect)],
    ])
  }

  toJSON(): FieldJSON {
    return {
      cascadeDelete: this.cascadeDelete,
      collectionId: this.collectionId,
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      maxSelect: this.maxSelect,
      minSelect: this.minSelect,
      name: this.name,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('relation', (json) => new RelationField(json))
