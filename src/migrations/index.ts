import './1640988000_init.ts'
import { registerSystemMigration } from '../core/migrations-runner.ts'

/**
 * PocketBase's later system migrations. A fresh Satchel data dir is created directly in their
 * end state by `1640988000_init`, so they only need recording, which lets PocketBase open the
 * folder without re-running them. (Upgrading pre-0.23 data dirs is PocketBase's job.)
 */
for (const file of [
  '1717233556_v0.23_migrate.go',
  '1717233557_v0.23_migrate2.go',
  '1717233558_v0.23_migrate3.go',
  '1717233559_v0.23_migrate4.go',
  '1763020353_update_default_auth_alert_templates.go',
  '1778828400_normalize_indexes.go',
]) {
  registerSystemMigration({ file, up: async () => {} })
}
