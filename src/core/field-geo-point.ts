import type { ColumnKind, SqlValue } from '../tools/db/db.ts'
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
import { checkHelp, collectErrors, FieldBase, optHelp } from './field-values.ts'

/** A geographic point as PocketBase stores and sends it. */
export interface GeoPoint {
  lon: number
  lat: number
}

/**
 * Normalises a geoPoint input as PocketBase's `GeoPoint.Scan`: an object or its JSON text with
 * numeric `lon`/`lat` (keys matched case-insensitively, like Go's JSON decoder); missing,
 * non-numeric or unparsable parts → 0; null/"" → `{lon: 0, lat: 0}`.
 */
export function toGeoPoint(raw: unknown): GeoPoint {
  const point: GeoPoint = { lon: 0, lat: 0 }
  let obj: unknown = raw
  if (raw instanceof Uint8Array) obj = new TextDecoder().decode(raw)
  if (typeof obj === 'string') {
    if (obj === '') return point
    try {
      obj = JSON.parse(obj) as unknown
    } catch {
      return point
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return point
  for (const [key, v] of Object.entries(obj)) {
    const k = key.toLowerCase()
    if ((k === 'lon' || k === 'lat') && typeof v === 'number' && Number.isFinite(v)) point[k] = v
  }
  return point
}

/**
 * GeoPointField is PocketBase's `geoPoint` field: `{lon, lat}` stored as JSON text; `{0, 0}` is
 * its empty value. Latitude must be within [-90, 90] and longitude within [-180, 180].
 */
export class GeoPointField extends FieldBase implements Field {
  readonly type = 'geoPoint'
  help: string
  required: boolean

  constructor(json: Partial<FieldJSON> = {}) {
    super(json)
    this.help = optHelp(json.help)
    this.required = json.required === true
  }

  columnKind(): ColumnKind {
    return 'geoPoint'
  }

  /** See `toGeoPoint`. */
  prepareValue(raw: unknown): GeoPoint {
    return toGeoPoint(raw)
  }

  driverValue(value: unknown): SqlValue {
    const p = toGeoPoint(value)
    return JSON.stringify({ lon: p.lon, lat: p.lat })
  }

  jsonValue(value: unknown): unknown {
    return toGeoPoint(value)
  }

  isEmpty(value: unknown): boolean {
    const p = toGeoPoint(value)
    return p.lon === 0 && p.lat === 0
  }

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const p = toGeoPoint(record.get(this.name))
    if (p.lon === 0 && p.lat === 0) return this.required ? required() : undefined
    if (p.lat < -90 || p.lat > 90) {
      return validationError(
        'validation_invalid_latitude',
        'Latitude must be between -90 and 90 degrees.',
      )
    }
    if (p.lon < -180 || p.lon > 180) {
      return validationError(
        'validation_invalid_longitude',
        'Longitude must be between -180 and 180 degrees.',
      )
    }
    return undefined
  }

  validateSettings(
    _ctx: FieldContext,
    _collection: FieldCollection,
  ): ValidationErrorMap | undefined {
    return collectErrors([['help', checkHelp(this.help)]])
  }

  toJSON(): FieldJSON {
    return {
      help: this.help,
      hidden: this.hidden,
      id: this.id,
      name: this.name,
      presentable: this.presentable,
      required: this.required,
      system: this.system,
      type: this.type,
    }
  }
}

registerField('geoPoint', (json) => new GeoPointField(json))
