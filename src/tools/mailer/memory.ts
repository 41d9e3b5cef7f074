import type { Mailer, MailMessage } from './mailer.ts'

/**
 * MemoryMailer keeps sent messages in memory (tests). `fail` makes the next sends reject with
 * that error; `waitFor(n)` resolves once `n` messages were sent (or rejects after `timeoutMs`).
 */
export class MemoryMailer implements Mailer {
  readonly messages: MailMessage[] = []
  fail: Error | undefined
  readonly #waiters: { n: number; resolve: () => void }[] = []

  /** Records the message (or rejects with `fail`). */
  async send(message: MailMessage): Promise<void> {
    if (this.fail) throw this.fail
    this.messages.push(message)
    for (const w of [...this.#waiters]) {
      if (this.messages.length >= w.n) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  }

  /** Resolves when at least `n` messages were sent. */
  waitFor(n: number, timeoutMs = 5000): Promise<void> {
    if (this.messages.length >= n) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${n} messages, got ${this.messages.length}`)),
        timeoutMs,
      )
      this.#waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      })
    })
  }
}
