import type { Collection } from '../core/collection-model.ts'

/**
 * The language of the migration files Satchel writes (`migrate create|collections`,
 * automigrate): PocketBase's JS (`migrate((app) => {…})` with its globals) or Satchel's
 * TypeScript (`export default migrate(async (app) => {…})`).
 */
export type TemplateLang = 'js' | 'ts'

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
