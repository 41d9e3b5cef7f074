import { join } from 'node:path'

/**
 * DataDir is the one place that knows every on-disk path of a `pb_data` folder (PocketBase
 * §14.1): `data.db`, `auxiliary.db`, `storage/`, `backups/`, `.pb_temp_to_delete/`, and
 * Satchel's own `.satchel/` (state shared by the processes serving the folder).
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

  /** Satchel's inter-process state (locks); never part of a backup. */
  get satchel(): string {
    return join(this.root, '.satchel')
  }

  /** The lock file held while a backup or restore runs (any process). */
  get backupLock(): string {
    return join(this.root, '.satchel', 'backup.lock')
  }

  /** The JSON state of the running backup or restore, for the other processes. */
  get backupState(): string {
    return join(this.root, '.satchel', 'backup.json')
  }

  /**
   * The root entries a backup leaves out and a restore leaves in place (PocketBase's
   * `backups`, temp, autocert cache, `lost+found` and `.notify` dirs, plus `.satchel`).
   */
  get backupExclude(): string[] {
    return ['backups', '.pb_temp_to_delete', '.autocert_cache', 'lost+found', '.notify', '.satchel']
  }
}
