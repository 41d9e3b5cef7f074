/**
 * Registers every field type: `import './fields.ts'` once before building fields from JSON.
 * Also re-exports the small value helpers shared by the types.
 */
import './field-autodate.ts'
import './field-bool.ts'
import './field-date.ts'
import './field-editor.ts'
import './field-email.ts'
import './field-file.ts'
import './field-geo-point.ts'
import './field-json.ts'
import './field-number.ts'
import './field-password.ts'
import './field-relation.ts'
import './field-select.ts'
import './field-text.ts'
import './field-url.ts'

export {
  isMultiple,
  toBoolValue,
  toNumberValue,
  toStringArray,
  toStringValue,
} from './field-values.ts'
