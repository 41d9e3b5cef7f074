// The SDK end-to-end suite (e2e-sdk.test.ts), unchanged, on a two-node deployment: two Satchel
// processes on one PostgreSQL database (a fresh database of a throwaway cluster). The superuser
// builds the schema on the first node; users and guests sign up, write, subscribe and read on
// the second, so every step crosses nodes.
import { usePostgresForSatchel, useTwoSatchelNodes } from '../src/tests/postgres.ts'

usePostgresForSatchel()
useTwoSatchelNodes()
await import('./e2e-sdk.test.ts')
