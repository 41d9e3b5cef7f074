import type { AppConfig } from '../core/app.ts'
import type { Collection } from '../core/collection-model.ts'
import { listMigrationFiles } from './migrations-loader.ts'

/**
 * The language of the migration files Satchel writes (`migrate create|collections`,
 * automigrate): PocketBase's JS (`migrate((app) => {…})` with its globals) or Satchel's
 * TypeScript (`export default migrate(async (app) => {…})`).
 */
export type TemplateLang = 'js' | 'ts'

/**
 * The language to write: `config.migrationsLang` (`--migrationsLang`), else `ts` when the
 * migrations folder holds `.ts` files and no `.js`, else `js` like PocketBase.
 */
export function templateLang(config: AppConfig): TemplateLang {
  if (config.migrationsLang !== undefined) return config.migrationsLang
  const files = listMigrationFiles(config.migrationsDir ?? '')
  return files.some((f) => f.endsWith('.ts')) && !files.some((f) => f.endsWith('.js')) ? 'ts' : 'js'
}

/** The first line of PocketBase's JS templates (editor types for its globals). */
const JS_TYPES = '/// <reference path="../pb_data/types.d.ts" />\n'

/** A blank migration (PocketBase's `migrate create` template, or its TypeScript form). */
export function blankTemplate(lang: TemplateLang): string {
  if (lang === 'js') {
    return `${JS_TYPES}migrate((app) => {
  // add up queries...
}, (app) => {
  // add down queries...
})
`
  }
  return `import { migrate } from 'satchel'

export default migrate(
  async (app) => {
    // add up queries...
  },
  async (app) => {
    // add down queries...
  },
)
`
}

/**
 * A migration importing every collection as it is now (PocketBase's `migrate collections`):
 * up imports the snapshot without deleting others, down does nothing.
 */
export function snapshotTemplate(lang: TemplateLang, collections: readonly Collection[]): string {
  const snapshot = templateJSON(collections.map(collectionData))
  if (lang === 'js') {
    return `${JS_TYPES}migrate((app) => {
  const snapshot = ${snapshot};

  return app.importCollections(snapshot, false);
}, (app) => {
  return null;
})
`
  }
  return `import { importCollections, migrate } from 'satchel'

export default migrate(async (app) => {
  const snapshot = ${snapshot}

  await importCollections(app, snapshot, false)
})
`
}

/** A JSON value as PocketBase's templates hold it: objects with sorted keys (Go maps). */
type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * A collection as PocketBase's templates write it: its API JSON with keys sorted at every level,
 * without `created`/`updated` and without the OAuth2 providers (PocketBase leaves them out of
 * migrations, they hold secrets).
 */
export function collectionData(c: Collection): { [key: string]: JsonValue } {
  const data = sortKeys(JSON.parse(JSON.stringify(c.toJSON()))) as { [key: string]: JsonValue }
  delete data.created
  delete data.updated
  const oauth2 = data.oauth2
  if (oauth2 !== null && typeof oauth2 === 'object' && !Array.isArray(oauth2)) {
    delete oauth2.providers
  }
  return data
}

function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v === null || typeof v !== 'object') return v
  const out: { [key: string]: JsonValue } = {}
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!)
  return out
}

/**
 * JSON indented by two spaces, every line after the first prefixed by two more (Go's
 * `json.MarshalIndent(v, "  ", "  ")`, which PocketBase's JS templates use).
 */
export function templateJSON(v: unknown): string {
  return JSON.stringify(v, null, 2).replaceAll('\n', '\n  ')
}

/**
 * The migration of one collection change made through the API (PocketBase's automigrate
 * templates): `created` re-creates the collection (down deletes it), `deleted` the other way
 * round, and an update holds only what changed — the changed top-level keys (`unmarshal`), the
 * removed, added and changed fields by id — with the reverse in down. Undefined when nothing
 * changed. `before`/`after` are undefined for a create/delete.
 */
export function changeTemplate(
  lang: TemplateLang,
  after: Collection | undefined,
  before: Collection | undefined,
): string | undefined {
  if (after === undefined && before === undefined) return undefined
  if (lang === 'ts') return tsChangeTemplate(after, before)
  if (after === undefined) {
    return `${JS_TYPES}migrate((app) => {
  const collection = app.findCollectionByNameOrId(${goQuote(before!.id)});

  return app.delete(collection);
}, (app) => {
  const collection = new Collection(${templateJSON(collectionData(before!))});

  return app.save(collection);
})
`
  }
  if (before === undefined) {
    return `${JS_TYPES}migrate((app) => {
  const collection = new Collection(${templateJSON(collectionData(after))});

  return app.save(collection);
}, (app) => {
  const collection = app.findCollectionByNameOrId(${goQuote(after.id)});

  return app.delete(collection);
})
`
  }
  const change = collectionChange(after, before)
  if (change === undefined) return undefined
  const js = (ops: ChangeOp[]) =>
    ops
      .map((op) => {
        switch (op.kind) {
          case 'data':
            return `// update collection data\n  unmarshal(${templateJSON(op.data)}, collection)\n`
          case 'remove':
            return `// remove field\n  collection.fields.removeById(${goQuote(op.id)})\n`
          default:
            return `// ${op.kind} field\n  collection.fields.addAt(${op.at}, new Field(${templateJSON(op.field)}))\n`
        }
      })
      .join('\n  ')
      .trim()
  return `${JS_TYPES}migrate((app) => {
  const collection = app.findCollectionByNameOrId(${goQuote(before.id)})

  ${js(change.up)}

  return app.save(collection)
}, (app) => {
  const collection = app.findCollectionByNameOrId(${goQuote(after.id)})

  ${js(change.down)}

  return app.save(collection)
})
`
}

/** One step of an update migration (PocketBase's template parts, in its order). */
type ChangeOp =
  | { kind: 'data'; data: { [key: string]: JsonValue } }
  | { kind: 'remove'; id: string }
  | { kind: 'add' | 'update'; at: number; field: JsonValue }

/**
 * What turns `before` into `after` (up) and back (down), in PocketBase's order: top-level keys,
 * removed fields, added fields, changed fields (order-only moves are ignored, as PocketBase does).
 * Undefined when nothing changed.
 */
function collectionChange(
  after: Collection,
  before: Collection,
): { up: ChangeOp[]; down: ChangeOp[] } | undefined {
  const a = collectionData(after)
  const b = collectionData(before)
  const up: ChangeOp[] = []
  const down: ChangeOp[] = []
  const upData = diffMaps(b, a, ['fields', 'created', 'updated'])
  if (Object.keys(upData).length > 0) {
    up.push({ kind: 'data', data: upData })
    down.push({ kind: 'data', data: diffMaps(a, b, ['fields', 'created', 'updated']) })
  }
  const aFields = a.fields as { [key: string]: JsonValue }[]
  const bFields = b.fields as { [key: string]: JsonValue }[]
  const idOf = (f: { [key: string]: JsonValue }) => String(f.id)
  const aIds = aFields.map(idOf)
  const bIds = bFields.map(idOf)
  bFields.forEach((f, i) => {
    if (aIds.includes(idOf(f))) return
    up.push({ kind: 'remove', id: idOf(f) })
    down.push({ kind: 'add', at: i, field: f })
  })
  aFields.forEach((f, i) => {
    if (bIds.includes(idOf(f))) return
    up.push({ kind: 'add', at: i, field: f })
    down.push({ kind: 'remove', id: idOf(f) })
  })
  aFields.forEach((f, i) => {
    const j = bIds.indexOf(idOf(f))
    if (j === -1 || JSON.stringify(f) === JSON.stringify(bFields[j])) return
    up.push({ kind: 'update', at: i, field: f })
    down.push({ kind: 'update', at: j, field: bFields[j]! })
  })
  return up.length === 0 && down.length === 0 ? undefined : { up, down }
}

/**
 * The keys of `next` that differ from `prev` (objects compared key by key, recursively), and
 * `null` for keys `prev` has and `next` lacks (PocketBase's `diffMaps`).
 */
function diffMaps(
  prev: { [key: string]: JsonValue },
  next: { [key: string]: JsonValue },
  exclude: readonly string[] = [],
): { [key: string]: JsonValue } {
  const diff: { [key: string]: JsonValue } = {}
  for (const [k, v] of Object.entries(next)) {
    if (exclude.includes(k)) continue
    if (!(k in prev)) {
      diff[k] = v
      continue
    }
    const old = prev[k]!
    if (JSON.stringify(old) === JSON.stringify(v)) continue
    if (isObject(old) && isObject(v)) {
      const sub = diffMaps(old, v)
      if (Object.keys(sub).length > 0) diff[k] = sub
    } else {
      diff[k] = v
    }
  }
  for (const k of Object.keys(prev)) {
    if (!(k in diff) && !exclude.includes(k) && !(k in next)) diff[k] = null
  }
  return sortKeys(diff) as { [key: string]: JsonValue }
}

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** A string literal as Go's `%q` writes it (the same as JSON for collection and field ids). */
function goQuote(s: string): string {
  return JSON.stringify(s)
}

/** The TypeScript form of {@link changeTemplate} (Satchel's `importCollections`/`changeCollection`). */
function tsChangeTemplate(
  after: Collection | undefined,
  before: Collection | undefined,
): string | undefined {
  const create = (c: Collection) =>
    `await importCollections(app, [${templateJSON(collectionData(c)).replaceAll('\n', '\n  ')}], false)`
  const remove = (c: Collection) =>
    `await deleteCollection(app, app.findCollectionByNameOrId(${goQuote(c.id)}))`
  const file = (imports: string, up: string, down: string) => `import { ${imports} } from 'satchel'

export default migrate(
  async (app) => {
    ${up}
  },
  async (app) => {
    ${down}
  },
)
`
  if (after === undefined) {
    return file('deleteCollection, importCollections, migrate', remove(before!), create(before!))
  }
  if (before === undefined) {
    return file('deleteCollection, importCollections, migrate', create(after), remove(after))
  }
  const change = collectionChange(after, before)
  if (change === undefined) return undefined
  const ts = (id: string, ops: ChangeOp[]) => {
    const steps = ops.map((op) => {
      const json = (v: unknown) => templateJSON(v).replaceAll('\n', '\n    ')
      switch (op.kind) {
        case 'data':
          return `{ data: ${json(op.data)} },`
        case 'remove':
          return `{ removeField: ${goQuote(op.id)} },`
        default:
          return `{ addFieldAt: ${op.at}, field: ${json(op.field)} },`
      }
    })
    return `await changeCollection(app, ${goQuote(id)}, [\n      ${steps.join('\n      ')}\n    ])`
  }
  return file('changeCollection, migrate', ts(before.id, change.up), ts(after.id, change.down))
}
