import type { App } from '../core/app.ts'
import type { EmailTemplate } from '../core/collection-auth-options.ts'
import type { Record } from '../core/record-model.ts'

/** Extra placeholder values of one email, keyed without braces (`TOKEN`, `OTP`, `OTP_ID`, `ALERT_INFO`). */
export type Placeholders = { readonly [name: string]: string }

const PLACEHOLDER_RE = /\{(APP_NAME|APP_URL|TOKEN|OTP|OTP_ID|ALERT_INFO|RECORD:[A-Za-z0-9_]+)\}/g

/** HTML-escapes `&`, `<`, `>`, `"` and `'` (like Go's `html.EscapeString`). */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;')
}

/**
 * Resolves an auth collection email template (PocketBase `resolveEmailTemplate`, §6.9):
 * `{APP_NAME}`, `{APP_URL}` from the settings, `{RECORD:<field>}` for every non-hidden field of
 * `record` (HTML-escaped), and `extra` (`{TOKEN}`, `{OTP}`…). Replacement is a single pass, so a
 * value that contains a placeholder (e.g. a name `{TOKEN}`) is never expanded again. Unknown
 * placeholders stay as they are. Returns the subject and the body wrapped in the HTML layout.
 */
export function renderEmail(
  app: App,
  record: Record,
  template: EmailTemplate,
  extra: Placeholders = {},
): { subject: string; html: string } {
  const meta = app.settings().meta
  const values = new Map<string, string>([
    ['APP_NAME', meta.appName],
    ['APP_URL', meta.appURL],
  ])
  for (const f of record.collection.fields) {
    if (f.hidden) continue
    values.set(`RECORD:${f.name}`, escapeHtml(recordString(record.get(f.name))))
  }
  for (const [k, v] of Object.entries(extra)) values.set(k, v)
  const resolve = (s: string) =>
    s.replace(PLACEHOLDER_RE, (m, name: string) => values.get(name) ?? m)
  return { subject: resolve(template.subject), html: layout(resolve(template.body)) }
}

function recordString(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (typeof v === 'object' && 'hash' in (v as object)) return ''
  return JSON.stringify(v)
}

/** Satchel's HTML frame of system emails (own markup; the template body goes inside). */
function layout(body: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<style>
body{margin:0;padding:24px;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:15px;line-height:1.5;color:#1d1d21;background:#fff}
p{margin:12px 0}
a{color:inherit}
.btn{display:inline-block;padding:0 22px;line-height:40px;border-radius:6px;background:#1d1d21;color:#fff !important;text-decoration:none;font-weight:600}
</style>
</head>
<body>
${body}
</body>
</html>
`
}
