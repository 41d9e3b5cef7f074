import type { CollectionModel } from 'pocketbase'

/** Sizes of the schema diagram, in CSS pixels. */
export const BOX_WIDTH = 220
export const HEADER_HEIGHT = 34
export const ROW_HEIGHT = 22
const GAP_X = 70
const GAP_Y = 50
const PAD = 16

/** One collection's box: where it is and where each of its field rows is. */
export interface Box {
  readonly collection: CollectionModel
  readonly x: number
  readonly y: number
  readonly height: number
  /** The vertical centre of each field's row, by field name. */
  readonly rowY: Readonly<Record<string, number>>
}

/** A relation drawn from a field's row to its target's header. */
export interface Edge {
  readonly from: string
  readonly field: string
  readonly to: string
  readonly multiple: boolean
  readonly cascade: boolean
  /** The SVG path (a curve, or a loop for a collection pointing at itself). */
  readonly path: string
}

/** The relations of `collections` whose target is among them, in field order. */
export function relationsOf(collections: readonly CollectionModel[]): Omit<Edge, 'path'>[] {
  const byId = new Map(collections.map((c) => [c.id, c]))
  const out: Omit<Edge, 'path'>[] = []
  for (const c of collections)
    for (const f of c.fields) {
      if (f.type !== 'relation') continue
      const target = byId.get(String(f.collectionId ?? ''))
      if (!target) continue
      out.push({
        from: c.name,
        field: f.name,
        to: target.name,
        multiple: (f.maxSelect ?? 1) > 1,
        cascade: f.cascadeDelete === true,
      })
    }
  return out
}

/**
 * Lays the collections out in rows of as many boxes as fit in `width` (auth collections first,
 * then by name), each box listing its fields, and draws each relation as a curve from its
 * field's row to the target box. Returns the boxes, the edges and the drawing's size.
 */
export function layoutSchema(
  collections: readonly CollectionModel[],
  width: number,
): { boxes: Box[]; edges: Edge[]; width: number; height: number } {
  const sorted = [...collections].sort(
    (a, b) => Number(b.type === 'auth') - Number(a.type === 'auth') || a.name.localeCompare(b.name),
  )
  const perRow = Math.max(1, Math.floor((width - PAD * 2 + GAP_X) / (BOX_WIDTH + GAP_X)))
  const boxes: Box[] = []
  let y = PAD
  for (let i = 0; i < sorted.length; i += perRow) {
    const row = sorted.slice(i, i + perRow)
    let tallest = 0
    row.forEach((c, j) => {
      const rowY: Record<string, number> = {}
      c.fields.forEach((f, k) => {
        rowY[f.name] = y + HEADER_HEIGHT + k * ROW_HEIGHT + ROW_HEIGHT / 2
      })
      const height = HEADER_HEIGHT + c.fields.length * ROW_HEIGHT + 6
      tallest = Math.max(tallest, height)
      boxes.push({ collection: c, x: PAD + j * (BOX_WIDTH + GAP_X), y, height, rowY })
    })
    y += tallest + GAP_Y
  }
  const byName = new Map(boxes.map((b) => [b.collection.name, b]))
  const edges: Edge[] = relationsOf(sorted).map((r, k) => {
    const a = byName.get(r.from)!
    const b = byName.get(r.to)!
    const sy = a.rowY[r.field]!
    const ty = b.y + HEADER_HEIGHT / 2
    if (a === b) {
      const x = a.x + BOX_WIDTH
      return { ...r, path: `M ${x} ${sy} C ${x + 40} ${sy}, ${x + 40} ${ty}, ${x} ${ty}` }
    }
    // leave from the side facing the target, enter the target's facing side
    const rightward = b.x >= a.x + BOX_WIDTH / 2
    const sx = rightward ? a.x + BOX_WIDTH : a.x
    const tx = b.x + (rightward ? 0 : BOX_WIDTH)
    const sameColumn = Math.abs(b.x - a.x) < 1
    if (sameColumn) {
      const x = a.x + BOX_WIDTH
      // curves along the same side spread out so they do not run on top of each other
      const bend = x + 24 + 14 * (k % 4)
      return { ...r, path: `M ${x} ${sy} C ${bend} ${sy}, ${bend} ${ty}, ${x} ${ty}` }
    }
    const dx = Math.max(30, Math.abs(tx - sx) / 2) * (rightward ? 1 : -1)
    return { ...r, path: `M ${sx} ${sy} C ${sx + dx} ${sy}, ${tx - dx} ${ty}, ${tx} ${ty}` }
  })
  const right = Math.max(PAD, ...boxes.map((b) => b.x + BOX_WIDTH)) + PAD + 40
  return { boxes, edges, width: right, height: y - GAP_Y + PAD }
}
