import type { Context } from 'hono'
import { importCollections } from '../core/collection-import.ts'
import { CollectionsImportRequestEvent } from '../core/collection-request-event.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { required } from '../tools/validation/validation-errors.ts'
import { validationFailure } from './api-error.ts'
import type { Env } from './middlewares.ts'
import { buildRequestInfo } from './record-helpers.ts'
import { loadDataError, readBodyData } from './request-body.ts'

/**
 * `PUT /api/collections/import` (PocketBase `apis/collection_import.go`; the caller checks the
 * superuser): `{collections, deleteMissing}` imported in one transaction inside
 * `onCollectionsImportRequest`; 204, or 400
 * `Failed to import collections.` with `data.collections` = `validation_collections_import_failure`
 * (or the field map of a table sync error). A body that does not fit the form (not JSON, a
 * `collections` that is not a list of objects, a non-boolean `deleteMissing`) is 400
 * `An error occurred while loading the submitted data.`; an empty list is `validation_required`.
 */
export async function importHandler(c: Context<Env>): Promise<Response> {
  const body = await readBodyData(c)
  const list = body.collections
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) {
    throw badRequestError('An error occurred while validating the submitted data.', {
      collections: required(),
    })
  }
  const deleteMissing = body.deleteMissing ?? false
  if (
    !Array.isArray(list) ||
    list.some((item) => item !== null && (typeof item !== 'object' || Array.isArray(item))) ||
    typeof deleteMissing !== 'boolean'
  ) {
    throw loadDataError()
  }
  const app = c.get('app')
  const event = new CollectionsImportRequestEvent(
    app,
    // NOTE: a `null` entry is an empty definition in Go's unmarshal (it then fails validation).
    list.map((item) => item ?? {}),
    deleteMissing,
    buildRequestInfo(c, body),
  )
  await app.onCollectionsImportRequest.trigger(event, async (e) => {
    try {
      await importCollections(e.app, e.collectionsData, e.deleteMissing)
    } catch (err) {
      throw validationFailure(err, 'Failed to import collections.') ?? err
    }
    e.response = c.body(null, 204)
  })
  return event.response ?? c.body(null, 200)
}
