/** Memory of a server from /proc (Linux): the resident set of its whole process tree. */
import { readdirSync, readFileSync } from 'node:fs'

/** The pids of `pid`'s child processes (every thread's children). */
function children(pid: number): number[] {
  const out: number[] = []
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim()
    if (list) out.push(...list.split(/\s+/).map(Number))
  }
  return out
}

/**
 * Resident memory (VmRSS) of a process and every live descendant in KiB (Satchel serves from
 * worker processes), or undefined when the process is unavailable.
 */
export function processTreeRssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  let total = 0
  const pending = [pid]
  while (pending.length > 0) {
    const current = pending.pop()!
    try {
      const status = readFileSync(`/proc/${current}/status`, 'utf8')
      total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0)
      pending.push(...children(current))
    } catch {
      // ended meanwhile (or not Linux): the root's absence is what counts
      if (current === pid) return undefined
    }
  }
  return total
}
