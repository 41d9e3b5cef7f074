import type { Command } from 'commander'
import { startServer } from '../apis/serve.ts'
import { type GlobalFlags, openApp } from '../pocketbase.ts'

/**
 * `satchel serve [--http=ADDR] [--origins=…]`: bootstraps the data dir and serves the API until
 * SIGINT/SIGTERM, then lets in-flight requests finish and closes the databases.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('starts the web server (default 127.0.0.1:8090)')
    .option('--http <address>', 'TCP address to listen for HTTP', '127.0.0.1:8090')
    .option('--origins <list>', 'CORS allowed domain origins list (comma separated)', '*')
    .action(async (opts: { http: string; origins: string }, cmd: Command) => {
      const flags = cmd.optsWithGlobals() as GlobalFlags
      const app = await openApp(flags)
      let server: Awaited<ReturnType<typeof startServer>>
      try {
        server = await startServer(app, {
          http: opts.http,
          origins: opts.origins
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
        })
      } catch (err) {
        await app.close()
        console.error(`Error: ${(err as Error).message}`)
        process.exitCode = 1
        return
      }
      const base = `http://${server.address}`
      console.log(`Server started at ${base}`)
      console.log(`├─ REST API:  ${base}/api/`)
      console.log(`└─ Dashboard: ${base}/_/`)
      let stopping = false
      const stop = async () => {
        if (stopping) return
        stopping = true
        await server.close()
        await app.close()
        process.exit(0)
      }
      process.once('SIGINT', () => void stop())
      process.once('SIGTERM', () => void stop())
    })
}
