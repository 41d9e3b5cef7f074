import { createInterface } from 'node:readline'

/**
 * Asks a yes/no question like PocketBase's `osutils.YesNoPrompt`: writes `MESSAGE (y/N) ` (or
 * `(Y/n)` when `fallback` is true) to stderr and reads a line from stdin; `y`/`yes` and
 * `n`/`no` (any case, surrounding spaces ignored) answer, an empty line or the end of input
 * gives `fallback`, anything else asks again.
 */
export async function yesNoPrompt(message: string, fallback: boolean): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, terminal: false })
  const lines = rl[Symbol.asyncIterator]()
  try {
    for (;;) {
      process.stderr.write(`${message} (${fallback ? 'Y/n' : 'y/N'}) `)
      const next = await lines.next()
      const answer = next.done ? '' : next.value.trim().toLowerCase()
      if (answer === '') return fallback
      if (answer === 'y' || answer === 'yes') return true
      if (answer === 'n' || answer === 'no') return false
    }
  } finally {
    rl.close()
  }
}
