import { comparePassword } from '../tools/security/password.ts'
import {
  required,
  type ValidationErrorMap,
  ValidationErrors,
  validationError,
} from '../tools/validation/validation-errors.ts'
import type { App } from './app.ts'
import { PasswordField, passwordFromPlain, toPasswordValue } from './field-password.ts'
import { toStringValue } from './field-values.ts'
import type { Record } from './record-model.ts'
import { saveRecord } from './record-save.ts'

/** Body keys of auth collections that are form inputs, not fields. */
const AUTH_FORM_KEYS = new Set(['password', 'passwordConfirm', 'oldPassword'])

const mismatch = () => validationError('validation_values_mismatch', "Values don't match.")

/**
 * RecordUpsert is the create/update form of the records API (PocketBase `forms.RecordUpsert`,
 * §4.2): it loads request data into a record (dropping `expand`, unknown keys and, for
 * non-superusers, hidden fields), keeps the auth-only inputs (`password`, `passwordConfirm`,
 * `oldPassword`) apart, and on submit checks the auth-form rules before saving the record.
 */
export class RecordUpsert {
  readonly record: Record
  #superuser = false
  #manager = false
  #password = ''
  #passwordConfirm = ''
  #oldPassword = ''

  constructor(record: Record) {
    this.record = record
  }

  /** Superuser access: hidden fields may be set; implies manager access. */
  grantSuperuserAccess(): void {
    this.#superuser = true
    this.#manager = true
  }

  /** Manager access (manageRule): email/verified changes and password without `oldPassword`. */
  grantManagerAccess(): void {
    this.#manager = true
  }

  /** True when manager (or superuser) access was granted. */
  get hasManagerAccess(): boolean {
    return this.#manager
  }

  /**
   * Sets the record's fields from already modifier-resolved data (see `replaceModifiers`).
   * Values of known fields pass through the field's `prepareValue`; other keys are ignored.
   */
  load(data: { readonly [key: string]: unknown }): void {
    const c = this.record.collection
    for (const [key, value] of Object.entries(data)) {
      if (c.isAuth && AUTH_FORM_KEYS.has(key)) {
        // NOTE: `replaceModifiers` may already have prepared the password as {hash, plain}.
        const s =
          typeof value === 'object' && value !== null
            ? toPasswordValue(value).plain
            : toStringValue(value)
        if (key === 'password') this.#password = s
        else if (key === 'passwordConfirm') this.#passwordConfirm = s
        else this.#oldPassword = s
        continue
      }
      if (key === 'expand') continue
      const field = c.getField(key)
      if (field === undefined) continue
      if (field.hidden && !this.#superuser) continue
      if (field instanceof PasswordField) {
        // Request input is plain text only; a `{hash}` object must never set a stored hash.
        const plain =
          typeof value === 'object' && value !== null
            ? toPasswordValue(value).plain
            : toStringValue(value)
        this.record.set(key, passwordFromPlain(plain))
        continue
      }
      this.record.set(key, value)
    }
    if (c.isAuth && this.#password !== '') this.record.set('password', { plain: this.#password })
  }

  /**
   * Checks the auth-form rules (§4.2 step 6); throws ValidationErrors with only those errors.
   * Non-auth records always pass.
   */
  async validateForm(): Promise<void> {
    const r = this.record
    if (!r.collection.isAuth) return
    const errors: ValidationErrorMap = {}
    const isNew = r.isNew
    if (!this.#manager) {
      if (!isNew && r.getString('email') !== toStringValue(r.original('email'))) {
        errors.email = mismatch()
      }
      const verified = isNew ? false : r.original('verified') === true
      if (r.getBool('verified') !== verified) errors.verified = mismatch()
    }
    if (
      this.#password === '' &&
      (isNew || this.#passwordConfirm !== '' || this.#oldPassword !== '')
    )
      errors.password = required()
    if (this.#passwordConfirm === '') {
      if (isNew || this.#password !== '' || this.#oldPassword !== '')
        errors.passwordConfirm = required()
    } else if (this.#passwordConfirm !== this.#password) {
      errors.passwordConfirm = mismatch()
    }
    if (!isNew && !this.#manager && (this.#password !== '' || this.#passwordConfirm !== '')) {
      const hash = toPasswordValue(r.original('password')).hash
      if (this.#oldPassword === '') errors.oldPassword = required()
      else if (hash === '' || !(await comparePassword(hash, this.#oldPassword)))
        errors.oldPassword = validationError(
          'validation_invalid_old_password',
          'Missing or invalid old password.',
        )
    }
    if (Object.keys(errors).length > 0) throw new ValidationErrors(errors)
  }

  /**
   * Validates the form, then saves the record (field validation, hooks, write). `record` may be
   * a replacement set by a request hook (it is saved instead of the loaded one).
   */
  async submit(app: App, record: Record = this.record): Promise<void> {
    await this.validateForm()
    await saveRecord(app, record)
  }
}
