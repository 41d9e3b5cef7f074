import { join } from 'node:path'

/**
 * DataDir is the one place that knows every on-disk path of a `pb_data` folder (PocketBase
 * §14.1): `data.db`, `auxiliary.db`, `storage/`, `backups/`, `.pb_temp_to_delete/`.
 */
export class DataDir {
  readonly root: string

  constructor(root: string) {
    this.root = root
  }

  /** The main database: collections, records, params, migrations. */
  get dataDb(): string {
    return join(this.root, 'data.db')
  }

  /** The logs database (`_logs`). */
  get auxiliaryDb(): string {
    return join(this.root, 'auxiliary.db')
  }

  /** Local file storage root: `<collectionId>/<recordId>/<file>`. */
  get storage(): string {
    return join(this.root, 'storage')
  }

  /** Backup archives. */
  get backups(): string {
    return join(this.root, 'backups')
  }

  /** Scratch space wiped at every bootstrap. */
  get temp(): string {
    return join(this.root, '.pb_temp_to_delete')
  }
}
