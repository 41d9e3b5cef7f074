import type { Context } from 'hono'
import { importCollections } from '../core/collection-import.ts'
import { badRequestError } from '../tools/router/api-error.ts'
import { required, ValidationErrors } from '../tools/validation/validation-errors.ts'
import type { Env } from './middlewares.ts'
import { readRequestBody } from './request-body.ts'

/**
 * `PUT /api/collections/import` (PocketBase `apis/collection_import.go`; the caller checks the
 * superuser): `{collections, deleteMissing}` imported in one transaction; 204, or 400
 * `Failed to import collections.` with `data.collections` = `validation_collections_import_failure`.
 */
export async function importHandler(c: Context<Env>): Promise<Response> {
  const body = (await readRequestBody(c)).data
  const list = body.collections
  if (!Array.isArray(list) || list.length === 0) {
    throw badRequestError('An error occurred while validating the submitted data.', {
      collections: required(),
    })
  }
  try {
    await importCollections(c.get('app'), list, body.deleteMissing === true)
  } catch (err) {
    if (err instanceof ValidationErrors) {
      throw badRequestError('Failed to import collections.', err.toJSON(), { cause: err })
    }
    throw err
  }
  return c.body(null, 204)
}
