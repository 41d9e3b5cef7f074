/**
 * Formats `message` like Go's standard logger (`log.Printf` / `log.Fatal` with `LstdFlags`):
 * `YYYY/MM/DD HH:MM:SS message\n` in local time. PocketBase prints its command-line errors and
 * its startup banner this way.
 */
export function goLogLine(message: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const date = `${now.getFullYear()}/${p(now.getMonth() + 1)}/${p(now.getDate())}`
  const time = `${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`
  return `${date} ${time} ${message}${message.endsWith('\n') ? '' : '\n'}`
}
