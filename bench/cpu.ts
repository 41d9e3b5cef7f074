/**
 * CPU accounting from /proc (Linux): the server's CPU time, this process's, and the whole
 * machine's busy time, so a run can say how much CPU other programs took while it measured.
 */
import { readdirSync, readFileSync } from 'node:fs'

const CLOCK_TICK_MS = 10 // Linux USER_HZ is 100

/** A point-in-time reading of the three CPU counters, in ms. */
export interface CpuSnapshot {
  server?: number
  own: number
  machine?: number
}

/** CPU time spent between two snapshots, in ms; `other` is everything not ours nor the server's. */
export interface CpuDelta {
  server?: number
  other?: number
}

/**
 * CPU time (user + system, all threads) of a process and every live descendant in ms (Satchel
 * serves from worker processes), or undefined when the process is unavailable.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  const stats = new Map<number, { ppid: number; ms: number }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        ms: (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS,
      })
    } catch {
      // The process ended while we read the table.
    }
  }
  if (!stats.has(pid)) return undefined
  let total = 0
  const pending = [pid]
  while (pending.length > 0) {
    const current = pending.pop()!
    total += stats.get(current)?.ms ?? 0
    for (const [child, s] of stats) if (s.ppid === current) pending.push(child)
  }
  return total
}

/** Busy CPU time of the whole machine (all cores, excluding idle and iowait) in ms. */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number)
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) *
      CLOCK_TICK_MS
    )
  } catch {
    return undefined
  }
}

/** Reads all counters now. */
export function snapshot(serverPid: number | undefined): CpuSnapshot {
  const own = process.cpuUsage()
  return {
    server: processCpuMs(serverPid),
    own: (own.user + own.system) / 1000,
    machine: machineBusyMs(),
  }
}

/** The CPU each party spent between `a` and `b`. */
export function diff(a: CpuSnapshot, b: CpuSnapshot): CpuDelta {
  const server = a.server !== undefined && b.server !== undefined ? b.server - a.server : undefined
  let other: number | undefined
  if (a.machine !== undefined && b.machine !== undefined) {
    other = Math.max(0, b.machine - a.machine - (b.own - a.own) - (server ?? 0))
  }
  return { server, other }
}
