import cluster from 'node:cluster'
import { runCli } from './pocketbase.ts'

// The entry of the single `satchel` executable (`npm run build:exe` bundles it; `src/main.ts` is
// the entry under `node`). CommonJS, so no top-level await: a rejection ends the process with the
// error, as main.ts's top-level await does.
//
// NOTE: node:cluster forks `process.execPath <script> ...args`, with `<script>` = process.argv[1].
// A single executable treats every argument as its own, so a forked worker sees that script path
// as its first argument: drop it, and the worker re-enters this bundle with the primary's command.
const argv = cluster.isWorker
  ? [...process.argv.slice(0, 2), ...process.argv.slice(3)]
  : process.argv
// runCli: Go flag forms and PocketBase-style errors, as under `node` (src/main.ts).
void runCli(argv)
