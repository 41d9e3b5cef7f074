import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
import { mimeMatches } from '../tools/filesystem/mime.ts'
import { UploadedFile } from '../tools/filesystem/uploaded-file.ts'
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
  FieldBase,
  isMultiple,
  multiDriverValue,
  optHelp,
  optNumber,
  optStringList,
  prepareMultiValue,
  toStringArray,
} from './field-values.ts'

/** A file field value item: a stored file name or a pending upload. */
export type FileValue = string | UploadedFile

const LOOSE_FILENAME = /^[^./\\][^/\\]*$/

/**
 * The items of a file field value: stored names (unique, non-empty; a JSON-array string is
 * decoded) and pending uploads (kept by identity), in order.
 */
export function toFileList(raw: unknown): FileValue[] {
  if (raw instanceof UploadedFile) return [raw]
  const items = Array.isArray(raw) ? raw : [raw]
  const out: FileValue[] = []
  const seen = new Set<unknown>()
  for (const item of items) {
    const values = item instanceof UploadedFile ? [item] : toStringArray(item)
    for (const v of values) {
      if (seen.has(v)) continue
      seen.add(v)
      out.push(v)
    }
  }
  return out
}

/** The names of a file field value (an upload counts with its storage name). */
export function fileNames(raw: unknown): string[] {
  return toFileList(raw).map((f) => (typeof f === 'string' ? f : f.name))
}

/** The pending uploads of a file field value. */
export function pendingUploads(raw: unknown): UploadedFile[] {
  return toFileList(raw).filter((f): f is UploadedFile => f instanceof UploadedFile)
}

/** The per-file byte limit applied when `maxSize` is 0 (PocketBase: 5 MiB). */
export const DEFAULT_FILE_MAX_SIZE = 5 << 20

/**
 * FileField is PocketBase's `file` field. Values are stored file names: one (`maxSelect` ≤ 1, a
 * string) or several (`maxSelect` > 1, a unique list in a JSON column). Options: `maxSize` per
 * file (0 → 5 MiB), `mimeTypes` ([] = any), `thumbs` (`WxH[t|b|f]`), `protected`.
 * Uploads are handled by the record upsert layer; this field only checks names and counts.
 */
export class FileField extends FieldBase implements Field {
  readonly type = 'file'
  help: string
  required: boolean
  maxSelect: number
  maxSize: number
  mimeTypes: string[]
  thumbs: string[]
  protected: boolean

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
    this.maxSelect = optNumber(json.maxSelect)
    this.maxSize = optNumber(json.maxSize)
    this.mimeTypes = optStringList(json.mimeTypes)
    this.thumbs = optStringList(json.thumbs)
    this.protected = json.protected === true
  }

  columnKind(): ColumnKind {
    return isMultiple(this) ? 'jsonArray' : 'text'
  }

  /**
   * Normalises to unique non-empty file names (a JSON-array string is decoded; a bare string from
   * a legacy column becomes one element); single-valued fields keep the last one ("" if none).
   */
  prepareValue(raw: unknown): FileValue | FileValue[] {
    const list = toFileList(raw)
    if (isMultiple(this)) return list
    return list.length > 0 ? list[list.length - 1]! : ''
  }

  driverValue(value: unknown): SqlValue {
    return multiDriverValue(this, fileNames(value))
  }

  jsonValue(value: unknown): unknown {
    return prepareMultiValue(this, fileNames(value))
  }

  isEmpty(value: unknown): boolean {
    return toFileList(value).length === 0
  }

  /** The per-file byte limit (`maxSize`, 0 → 5 MiB). */
  get effectiveMaxSize(): number {
    return this.maxSize > 0 ? this.maxSize : DEFAULT_FILE_MAX_SIZE
  }

  /** Room for `maxSelect` (at least one) files of the per-file limit. */
  override bodyAllowance(): number {
    return this.effectiveMaxSize * Math.max(this.maxSelect, 1)
  }

  /**
   * Checks `required`, that plain names are files the record already has
   * (`validation_invalid_file`, PocketBase's "Invalid new files: [a b]." with `invalidFiles`) and
   * the file count (`validation_too_many_files`). Uploads are checked by the upload layer.
   */
  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const files = toFileList(record.get(this.name))
    if (files.length === 0) return this.required ? required() : undefined
    const existing = new Set(record.isNew ? [] : toStringArray(record.original(this.name)))
    const invalid = files.filter((n): n is string => typeof n === 'string' && !existing.has(n))
    if (invalid.length > 0) {
      return validationError(
        'validation_invalid_file',
        `Invalid new files: [${invalid.join(' ')}].`,
        {
          invalidFiles: invalid,
        },
      )
    }
    const maxSelect = Math.max(this.maxSelect, 1)
    if (files.length > maxSelect) {
      return validationError(
        'validation_too_many_files',
        `The maximum allowed files is ${maxSelect}.`,
        { maxSelect },
      )
    }
    for (const f of files) {
      if (typeof f === 'string') continue
      const err = this.#validateUpload(f)
      if (err !== undefined) return err
    }
    return undefined
  }

  /** PocketBase's upload checks: name shape, `maxSize`, `mimeTypes` (sniffed content type). */
  #validateUpload(f: UploadedFile): ValidationError | undefined {
    const length = [...f.name].length
    if (length < 1 || length > 150) {
      return length < 1
        ? required()
        : validationError(
            'validation_length_out_of_range',
            'The length must be between 1 and 150.',
            {
              max: 150,
              min: 1,
            },
          )
    }
    if (!LOOSE_FILENAME.test(f.name))
      return validationError('validation_match_invalid', 'Must be in a valid format.')
    const maxSize = this.effectiveMaxSize
    if (f.size > maxSize) {
      return validationError(
        'validation_file_size_limit',
        `Failed to upload ${f.originalName} - the maximum allowed file size is ${maxSize} bytes.`,
        { file: f.originalName, maxSize },
      )
    }
    if (this.mimeTypes.length > 0 && !mimeMatches(f.detected.mime, this.mimeTypes)) {
      return validationError(
        'validation_invalid_mime_type',
        `${JSON.stringify(f.name)} mime type must be one of: ${this.mimeTypes.join(', ')}.`,
      )
    }
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    const thumbs = collectErrors(
      this.thumbs.map((t, i) => {
        if (/^0x0[tbf]?$/.test(t)) {
          return [String(i), validationError('validation_not_in_invalid', 'Must not be in list.')]
        }
        if (!/^(\d+)x(\d+)(t|b|f)?$/.test(t)) {
          return [
            String(i),
            validationError('validation_match_invalid', 'Must be in a valid format.'),
          ]
        }
        return [String(i), undefined]
      }),
    )
    return collectErrors([
      ['help', checkHelp(this.help)],
      ['maxSelect', checkRange(this.maxSelect, 0)],
      ['maxSize', checkRange(this.maxSize, 0)],
      ['thumbs', thumbs],
    ])
  }

  toJSON(): FieldJSON {
    return {
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      maxSelect: this.maxSelect,
      maxSize: this.maxSize,
      mimeTypes: this.mimeTypes,
      name: this.name,
      presentable: this.presentable,
      protected: this.protected,
      required: this.required,
      system: this.system,
      thumbs: this.thumbs,
      type: this.type,
    }
  }
}

registerField('file', (json) => new FileField(json))
