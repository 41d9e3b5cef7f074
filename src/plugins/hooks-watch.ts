import { existsSync, type FSWatcher, watch } from 'node:fs'

/**
 * Watches a hooks folder and its subfolders (local modules included) for changes (`--hooksWatch`),
 * calling `onChange` once per burst of changes (`debounceMs`, default 200 ms: editors write a
 * file in several steps). Nothing is watched when the folder does not exist. Returns a function
 * that stops watching.
 */
export function watchHooksDir(dir: string, onChange: () => void, debounceMs = 200): () => void {
  if (!existsSync(dir)) return () => {}
  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher
  try {
    // NOTE: recursive watching is native on Linux since Node 20 (and on macOS/Windows).
    watcher = watch(dir, { recursive: true, persistent: false }, () => {
      clearTimeout(timer)
      timer = setTimeout(onChange, debounceMs)
    })
  } catch {
    return () => {}
  }
  watcher.on('error', () => watcher.close())
  return () => {
    clearTimeout(timer)
    watcher.close()
  }
}
