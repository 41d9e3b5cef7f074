import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'
import { type MessagePort, workerData } from 'node:worker_threads'
import type { ErrorState, EventState } from '../codec.ts'
import { CallError, type HandlerMessage, type RunMessage, SyncChannel } from './channel.ts'
import { newContext } from './globals.ts'
import { JsApp } from './js-app.ts'
import { JsEvent } from './js-event.ts'
import { ingestCollections, runtime } from './runtime.ts'

// A JSVM worker thread: runs PocketBase-style JS (hooks files' top level, handlers, migrations)
// in node:vm contexts, synchronously calling the app thread for everything the app does.

const data = workerData as { port: MessagePort; signal: SharedArrayBuffer; hooksDir: string }
runtime.hooksDir = data.hooksDir

/** The context handlers run in: PocketBase's globals, none of any file's top-level scope. */
let pool: vm.Context | undefined
/** Compiled handlers by the app thread's handler id (its source comes with the first run). */
const compiled = new Map<number, (...args: unknown[]) => unknown>()

function handler(h: HandlerMessage): (...args: unknown[]) => unknown {
  let fn = compiled.get(h.id)
  if (fn === undefined) {
    const ref = h.ref
    if (ref === undefined) throw new Error(`Unknown handler ${h.id}.`)
    pool ??= newContext(runtime.hooksDir)
    fn = vm.runInContext(`(${ref.src})`, pool, {
      filename: ref.file,
      lineOffset: ref.line - 1,
    }) as (...args: unknown[]) => unknown
    compiled.set(h.id, fn)
  }
  return fn
}

/** This worker's own file: in the npm bundle, one file of all the code the sources split. */
const SELF = fileURLToPath(import.meta.url)

/** `file:line[:column]` of the first frame of `stack` outside this folder (or bundle). */
function locate(stack: string): string | undefined {
  for (const m of stack.matchAll(/((?:file:\/\/)?\/[^\s():]+):(\d+)(?::(\d+))?/g)) {
    const file = m[1]!.replace(/^file:\/\//, '')
    if (file.includes('/plugins/jsvm/') || file === SELF || file.startsWith('/node:')) continue
    return `${file}:${m[2]}${m[3] ? `:${m[3]}` : ''}`
  }
  return undefined
}

function errorState(err: unknown): ErrorState {
  if (err instanceof CallError) return err.state
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as {
    name?: string
    message?: string
    status?: unknown
    data?: { [key: string]: unknown }
    stack?: string
  }
  const location = locate(e.stack ?? '')
  const base = { name: e.name ?? 'Error', message: e.message ?? String(err), location }
  if (typeof e.status === 'number') return { ...base, status: e.status, data: plainData(e.data) }
  return base
}

function plainData(data: unknown): { [key: string]: unknown } | undefined {
  if (data === undefined || data === null) return undefined
  return JSON.parse(JSON.stringify(data)) as { [key: string]: unknown }
}

function run(msg: RunMessage): unknown {
  switch (msg.kind) {
    case 'load': {
      const file = msg.file as string
      const context = newContext(path.dirname(file))
      new vm.Script(readFileSync(file, 'utf8'), { filename: file }).runInContext(context)
      return undefined
    }
    case 'handler': {
      const fn = handler(msg.h as HandlerMessage)
      if (msg.ev === undefined) {
        fn()
        return undefined
      }
      const e = new JsEvent(msg.ev as EventState)
      fn(e)
      return e.changes()
    }
    case 'migrate': {
      const file = msg.file as string
      let up: ((app: JsApp) => void) | undefined
      let down: ((app: JsApp) => void) | undefined
      const app = new JsApp(msg.app as number)
      const context = newContext(path.dirname(file), {
        $app: app,
        migrate: (u: typeof up, d?: typeof down) => {
          up = u
          down = d
        },
      })
      new vm.Script(readFileSync(file, 'utf8'), { filename: file }).runInContext(context)
      const fn = msg.dir === 'down' ? down : up
      if (msg.dir === 'probe') return { up: up !== undefined, down: down !== undefined }
      fn?.(app)
      return undefined
    }
    default:
      throw new Error(`Unknown run kind ${String(msg.kind)}.`)
  }
}

runtime.channel = new SyncChannel(
  data.port,
  new Int32Array(data.signal),
  (msg) => {
    try {
      const v = run(msg)
      runtime.channel.post({ t: 'done', run: msg.run, v })
    } catch (err) {
      runtime.channel.post({ t: 'fail', run: msg.run, e: errorState(err) })
    }
  },
  ingestCollections,
)
runtime.channel.post({ t: 'ready' })
