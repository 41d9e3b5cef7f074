import { verifySync } from '@node-rs/bcrypt'
import type { PasswordValue } from '../../../core/field-password.ts'
import { exportRecord } from '../../../core/record-export.ts'
import { Record } from '../../../core/record-model.ts'
import { replaceModifiers } from '../../../core/record-modifiers.ts'
import { randomString } from '../../../tools/security/random.ts'
import { buildRecord, type RecordState, stateOf } from '../codec.ts'
import { JsCollection } from './js-collection.ts'
import { call, collectionOf, runtime } from './runtime.ts'

type Json = { [key: string]: unknown }

/** The version of a collection the app thread shipped, if it is one. */
export function versionOf(collection: Record['collection']): number | undefined {
  return runtime.versions.get(collection)
}

/** A date value as PocketBase's `types.DateTime` shows it to JS. */
export class JsDateTime {
  readonly #value: string
  constructor(value: string) {
    this.#value = value
  }
  string(): string {
    return this.#value
  }
  isZero(): boolean {
    return this.#value === ''
  }
  time(): Date {
    return new Date(this.#value.replace(' ', 'T'))
  }
  unix(): number {
    return this.isZero() ? 0 : Math.floor(this.time().getTime() / 1000)
  }
  toJSON(): string {
    return this.#value
  }
  toString(): string {
    return this.#value
  }
}

/**
 * A record as JS hooks see it (PocketBase `core.Record`): `get`/`set` (with `field+`/`field-`
 * modifiers), the typed getters, the auth helpers and `collection()`. Values are the prepared
 * values of the core `Record` it wraps, so they normalise like the API's.
 */
export class JsRecord {
  /** @internal */
  core: Record

  constructor(collection?: JsCollection | Record, data?: Json) {
    if (collection instanceof Record) {
      this.core = collection
      return
    }
    // NOTE: `new Record()` is an empty receiver (for `recordQuery(…).one(record)`), as in PocketBase
    if (collection === undefined && data === undefined) {
      this.core = new Record(new JsCollection().core())
      return
    }
    if (!(collection instanceof JsCollection)) {
      throw new TypeError('new Record(collection, data?) needs a collection.')
    }
    this.core = new Record(collection.core())
    if (data !== undefined) this.load(data)
  }

  /** @internal A record the app thread sent. */
  static fromState(s: RecordState): JsRecord {
    return new JsRecord(recordFromState(s))
  }

  /** @internal The state to send to the app thread. */
  state(): RecordState {
    return recordState(this.core)
  }

  get id(): string {
    return this.core.id
  }

  set id(v: string) {
    this.core.id = String(v)
  }

  collection(): JsCollection {
    const v = versionOf(this.core.collection)
    return v === undefined
      ? new JsCollection(this.core.collection.toJSON())
      : JsCollection.fromVersion(v)
  }

  tableName(): string {
    return this.core.collection.name
  }

  isNew(): boolean {
    return this.core.isNew
  }

  markAsNew(): void {
    this.core.isNew = true
  }

  markAsNotNew(): void {
    this.core.isNew = false
  }

  get(key: string): unknown {
    const v = this.core.get(key)
    if (v === undefined) return this.core.customData?.[key] ?? null
    return v
  }

  getRaw(key: string): unknown {
    return this.core.get(key)
  }

  /** Sets a field (a `field+`, `field-` or `+field` key modifies the current value). */
  set(key: string, value: unknown): void {
    const field = this.core.collection.getField(key)
    if (field !== undefined) {
      this.core.set(key, value)
      return
    }
    const replaced = replaceModifiers(this.core, { [key]: value })
    for (const [k, v] of Object.entries(replaced)) {
      if (this.core.collection.getField(k) !== undefined) this.core.set(k, v)
      else this.core.customData = { ...this.core.customData, [k]: v }
    }
  }

  /** Sets every key of `data` (PocketBase `Load`). */
  load(data: Json): void {
    for (const [k, v] of Object.entries(data)) this.set(k, v)
  }

  setIfFieldExists(key: string, value: unknown): void {
    if (this.core.collection.getField(key) !== undefined) this.set(key, value)
  }

  getString(key: string): string {
    const v = this.core.get(key)
    if (v === null || v === undefined) return ''
    if (typeof v === 'object') return JSON.stringify(v)
    return String(v)
  }

  getInt(key: string): number {
    const n = Number(this.core.get(key))
    return Number.isFinite(n) ? Math.trunc(n) : 0
  }

  getFloat(key: string): number {
    const n = Number(this.core.get(key))
    return Number.isFinite(n) ? n : 0
  }

  getBool(key: string): boolean {
    const v = this.core.get(key)
    return v === true || v === 1 || v === 'true' || v === '1'
  }

  getStringSlice(key: string): string[] {
    const v = this.core.get(key)
    if (Array.isArray(v)) return v.map(String)
    return v === '' || v === null || v === undefined ? [] : [String(v)]
  }

  getDateTime(key: string): JsDateTime {
    return new JsDateTime(this.getString(key))
  }

  /** The values the record was loaded with, as a record. */
  original(): JsRecord {
    const c = new Record(this.core.collection)
    for (const f of this.core.collection.fields) c.setPrepared(f.name, this.core.original(f.name))
    c.markAsStored()
    return new JsRecord(c)
  }

  /** A copy with the current values. */
  clone(): JsRecord {
    return new JsRecord(this.core.clone())
  }

  fresh(): JsRecord {
    return this.clone()
  }

  fieldsData(): Json {
    return { ...this.core.fieldValues() }
  }

  customData(): Json {
    return { ...this.core.customData }
  }

  withCustomData(on: boolean): JsRecord {
    if (!on) this.core.customData = undefined
    return this
  }

  hide(...names: string[]): JsRecord {
    this.#hidden ??= new Set()
    for (const n of names) this.#hidden.add(n)
    return this
  }

  unhide(...names: string[]): JsRecord {
    for (const n of names) this.#hidden?.delete(n)
    this.core.withHidden = true
    return this
  }

  #hidden: Set<string> | undefined

  /** The wire JSON (PocketBase `PublicExport`; also what `JSON.stringify(record)` gives). */
  publicExport(): Json {
    const out = exportRecord(this.core)
    for (const n of this.#hidden ?? []) delete out[n]
    return { ...out, ...this.core.customData }
  }

  toJSON(): Json {
    return this.publicExport()
  }

  expandedOne(name: string): JsRecord | null {
    const v = this.core.expand?.[name]
    if (v === undefined) return null
    const one = Array.isArray(v) ? v[0] : v
    return one === undefined ? null : new JsRecord(one)
  }

  expandedAll(name: string): JsRecord[] {
    const v = this.core.expand?.[name]
    if (v === undefined) return []
    return (Array.isArray(v) ? v : [v]).map((r) => new JsRecord(r))
  }

  expand(): Json {
    const out: Json = {}
    for (const [k, v] of Object.entries(this.core.expand ?? {})) {
      out[k] = Array.isArray(v) ? v.map((r) => new JsRecord(r)) : new JsRecord(v)
    }
    return out
  }

  setExpand(expand: { [name: string]: JsRecord | JsRecord[] }): void {
    const out: NonNullable<Record['expand']> = {}
    for (const [k, v] of Object.entries(expand)) {
      out[k] = Array.isArray(v) ? v.map((r) => r.core) : v.core
    }
    this.core.expand = out
  }

  /** Parses a JSON field's text value into `out`-like data (PocketBase `UnmarshalJSONField`). */
  unmarshalJSONField(key: string, result: Json): void {
    const v = this.core.get(key)
    Object.assign(result, typeof v === 'string' ? JSON.parse(v) : v)
  }

  isSuperuser(): boolean {
    return this.core.collection.name === '_superusers'
  }

  email(): string {
    return this.getString('email')
  }

  setEmail(v: string): void {
    this.set('email', v)
  }

  emailVisibility(): boolean {
    return this.getBool('emailVisibility')
  }

  setEmailVisibility(v: boolean): void {
    this.set('emailVisibility', v)
  }

  verified(): boolean {
    return this.getBool('verified')
  }

  setVerified(v: boolean): void {
    this.set('verified', v)
  }

  tokenKey(): string {
    return this.getString('tokenKey')
  }

  setTokenKey(v: string): void {
    this.set('tokenKey', v)
  }

  refreshTokenKey(): void {
    this.set('tokenKey', randomString(50))
  }

  setPassword(v: string): void {
    this.set('password', v)
  }

  setRandomPassword(): string {
    const p = randomString(30)
    this.set('password', p)
    return p
  }

  baseFilesPath(): string {
    return `${this.core.collection.id}/${this.core.id}`
  }

  ignoreEmailVisibility(on: boolean): JsRecord {
    this.core.ignoreEmailVisibility = on
    return this
  }

  newAuthToken(): string {
    return call('token', 0, 'recordAuthToken', this.state()) as string
  }

  newStaticAuthToken(durationSeconds: number): string {
    return call('token', 0, 'recordAuthToken', this.state(), durationSeconds) as string
  }

  newVerificationToken(): string {
    return call('token', 0, 'recordVerifyToken', this.state()) as string
  }

  newPasswordResetToken(): string {
    return call('token', 0, 'recordResetPasswordToken', this.state()) as string
  }

  newEmailChangeToken(newEmail: string): string {
    return call('token', 0, 'recordChangeEmailToken', this.state(), newEmail) as string
  }

  newFileToken(): string {
    return call('token', 0, 'recordFileToken', this.state()) as string
  }

  /** True when `plain` matches the stored password hash. */
  validatePassword(plain: string): boolean {
    const v = this.core.get('password') as PasswordValue | undefined
    if (v === undefined || v.hash === '') return false
    try {
      return verifySync(plain, v.hash)
    } catch {
      return false
    }
  }
}

/** The crossing state of a core record. */
export function recordState(r: Record): RecordState {
  return stateOf(r, (c) => {
    const v = versionOf(c)
    if (v === undefined) throw new Error(`The collection "${c.name}" is not saved yet.`)
    return v
  })
}

/** A core record rebuilt from its crossing state. */
export function recordFromState(s: RecordState): Record {
  return buildRecord(collectionOf(s.c), s, recordFromState)
}
