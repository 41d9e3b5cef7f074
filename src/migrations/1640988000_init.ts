import type { App } from '../core/app.ts'
import { type AuthOptions, defaultAuthOptions } from '../core/collection-auth-options.ts'
import { quoteStoredIdent } from '../core/collection-index.ts'
import { Collection, type CollectionType, defaultFieldId } from '../core/collection-model.ts'
import { authIndexes, authSystemFields, defaultIdField } from '../core/collection-scaffolds.ts'
import { createCollectionTable } from '../core/db-table.ts'
import { type FieldJSON, fieldFromJSON } from '../core/field.ts'
import { registerSystemMigration } from '../core/migrations-runner.ts'

/** Quotes a name inside a stored index definition (PocketBase's SQLite syntax). */
const stored = quoteStoredIdent

const OWNER_RULE =
  "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId"

/** Builds a field from a compact definition; the id defaults to PocketBase's `<type><crc32>`. */
function field(type: string, name: string, options: Partial<FieldJSON> = {}): FieldJSON {
  return fieldFromJSON({ id: defaultFieldId(type, name), name, type, ...options }).toJSON()
}

const idField = defaultIdField

const autodates = (system: boolean) => [
  field('autodate', 'created', { system, onCreate: true, onUpdate: false }),
  field('autodate', 'updated', { system, onCreate: true, onUpdate: true }),
]

const ref = (name: string, extra: Partial<FieldJSON> = {}) =>
  field('text', name, { system: true, required: true, ...extra })

/** Re-exported for older importers; they live in core (the collections API uses them too). */
export { authIndexes, authSystemFields }

interface Spec {
  id: string
  name: string
  type: CollectionType
  system: boolean
  fields: FieldJSON[]
  indexes: string[]
  rules: Partial<
    Record<'listRule' | 'viewRule' | 'createRule' | 'updateRule' | 'deleteRule', string>
  >
  auth?: (o: AuthOptions) => void
}

function specs(): Spec[] {
  const ownerRead = { listRule: OWNER_RULE, viewRule: OWNER_RULE }
  const userRule = 'id = @request.auth.id'
  return [
    {
      id: 'pbc_2279338944',
      name: '_mfas',
      type: 'base',
      system: true,
      fields: [
        idField(),
        ref('collectionRef'),
        ref('recordRef'),
        ref('method'),
        ...autodates(true),
      ],
      indexes: [
        `CREATE INDEX ${stored('idx_mfas_collectionRef_recordRef')} ON ${stored('_mfas')} (collectionRef,recordRef)`,
      ],
      rules: ownerRead,
    },
    {
      id: 'pbc_1638494021',
      name: '_otps',
      type: 'base',
      system: true,
      fields: [
        idField(),
        ref('collectionRef'),
        ref('recordRef'),
        field('password', 'password', { system: true, hidden: true, required: true, cost: 8 }),
        field('text', 'sentTo', { system: true, hidden: true }),
        ...autodates(true),
      ],
      indexes: [
        `CREATE INDEX ${stored('idx_otps_collectionRef_recordRef')} ON ${stored('_otps')} (collectionRef, recordRef)`,
      ],
      rules: ownerRead,
    },
    {
      id: 'pbc_2281828961',
      name: '_externalAuths',
      type: 'base',
      system: true,
      fields: [
        idField(),
        ref('collectionRef'),
        ref('recordRef'),
        ref('provider'),
        ref('providerId'),
        ...autodates(true),
      ],
      indexes: [
        `CREATE UNIQUE INDEX ${stored('idx_externalAuths_record_provider')} ON ${stored('_externalAuths')} (collectionRef, recordRef, provider)`,
        `CREATE UNIQUE INDEX ${stored('idx_externalAuths_collection_provider')} ON ${stored('_externalAuths')} (collectionRef, provider, providerId)`,
      ],
      rules: { ...ownerRead, deleteRule: OWNER_RULE },
    },
    {
      id: 'pbc_4275539003',
      name: '_authOrigins',
      type: 'base',
      system: true,
      fields: [
        idField(),
        ref('collectionRef'),
        ref('recordRef'),
        ref('fingerprint'),
        ...autodates(true),
      ],
      indexes: [
        `CREATE UNIQUE INDEX ${stored('idx_authOrigins_unique_pairs')} ON ${stored('_authOrigins')} (collectionRef, recordRef, fingerprint)`,
      ],
      rules: { ...ownerRead, deleteRule: OWNER_RULE },
    },
    {
      id: 'pbc_3142635823',
      name: '_superusers',
      type: 'auth',
      system: true,
      fields: [...authSystemFields(), ...autodates(true)],
      indexes: authIndexes('pbc_3142635823', '_superusers'),
      rules: {},
      auth: (o) => {
        o.authToken.duration = 86400
      },
    },
    {
      id: '_pb_users_auth_',
      name: 'users',
      type: 'auth',
      system: false,
      fields: [
        ...authSystemFields(),
        field('text', 'name', { max: 255 }),
        field('file', 'avatar', {
          maxSelect: 1,
          mimeTypes: ['image/jpeg', 'image/png', 'image/svg+xml', 'image/gif', 'image/webp'],
        }),
        ...autodates(false),
      ],
      indexes: authIndexes('_pb_users_auth_', 'users'),
      rules: {
        listRule: userRule,
        viewRule: userRule,
        createRule: '',
        updateRule: userRule,
        deleteRule: userRule,
      },
      auth: (o) => {
        o.oauth2.mappedFields.name = 'name'
        o.oauth2.mappedFields.avatarURL = 'avatar'
      },
    },
  ]
}

async function createSystemCollection(app: App, spec: Spec): Promise<void> {
  const c = new Collection()
  c.id = spec.id
  c.name = spec.name
  c.type = spec.type
  c.system = spec.system
  c.setFields(spec.fields.map((f) => fieldFromJSON(f)))
  c.indexes = spec.indexes
  Object.assign(c, spec.rules)
  if (spec.type === 'auth') {
    c.auth = defaultAuthOptions()
    spec.auth?.(c.auth)
  }
  const row = c.toRow()
  delete row.created
  delete row.updated
  const cols = Object.keys(row)
  const q = app.db.dialect.quoteIdent
  await app.db.run(
    `INSERT INTO ${q('_collections')} (${cols.map((k) => q(k)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    Object.values(row),
  )
  await createCollectionTable(app.db, c)
}

/**
 * The fresh-install schema of PocketBase 0.40: `_params`, `_collections` and the system
 * collections with PocketBase's ids, fields, indexes and rules, plus the `_logs` table of
 * `auxiliary.db`. Recorded as PocketBase's `1640988000_init.go`.
 */
registerSystemMigration({
  file: '1640988000_init.go',
  async up(app) {
    await app.db.exec(app.db.dialect.systemTablesSql('data'))
    for (const spec of specs()) await createSystemCollection(app, spec)
  },
})

/** The `_logs` table of `auxiliary.db`, recorded as PocketBase's `1640988000_aux_init.go`. */
registerSystemMigration({
  file: '1640988000_aux_init.go',
  async up(app) {
    await app.auxDb.exec(app.auxDb.dialect.systemTablesSql('auxiliary'))
  },
})
