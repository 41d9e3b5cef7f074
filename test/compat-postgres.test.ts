// The compatibility table (compat.test.ts), unchanged, with Satchel keeping its data in
// PostgreSQL (`SATCHEL_DB_URL`) beside the real PocketBase on SQLite.
import { usePostgresForSatchel } from '../src/tests/postgres.ts'

usePostgresForSatchel()
await import('./compat.test.ts')
