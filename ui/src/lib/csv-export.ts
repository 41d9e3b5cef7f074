import type { CollectionModel } from 'pocketbase'
import { csvRow, exportFields } from './csv-records.ts'
import { pb } from './pb.ts'

/** Records fetched per request while exporting (never the whole table at once). */
export const EXPORT_PAGE_SIZE = 500

/**
 * The records matching `filter` as a CSV file (header row of field names), fetched a page of
 * EXPORT_PAGE_SIZE at a time without counts, ordered by `sort` then id so pages never overlap.
 * `onprogress` hears the number of rows so far. Throws the SDK's error of a failed page.
 */
export async function exportCsv(
  collection: CollectionModel,
  filter: string,
  sort: string,
  onprogress: (rows: number) => void = () => {},
): Promise<{ blob: Blob; rows: number }> {
  const { default: Papa } = await import('papaparse')
  const fields = exportFields(collection)
  const chunks = [Papa.unparse([fields.map((f) => f.name)], { newline: '\r\n' })]
  const order = sort ? `${sort},id` : 'id'
  let rows = 0
  for (let page = 1; ; page++) {
    const res = await pb.collection(collection.id).getList(page, EXPORT_PAGE_SIZE, {
      filter,
      sort: order,
      skipTotal: true,
      requestKey: null,
    })
    if (res.items.length > 0)
      chunks.push(
        Papa.unparse(
          res.items.map((r) => csvRow(fields, r)),
          { newline: '\r\n' },
        ),
      )
    rows += res.items.length
    onprogress(rows)
    if (res.items.length < EXPORT_PAGE_SIZE) break
  }
  return { blob: new Blob([chunks.join('\r\n'), '\r\n'], { type: 'text/csv' }), rows }
}
