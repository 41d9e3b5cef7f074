import { isIP } from 'node:net'
import {
  required,
  type ValidationError,
  validationError,
} from '../tools/validation/validation-errors.ts'
import { type Field, type FieldContext, type FieldRecord, registerField } from './field.ts'
import { DomainListFieldBase, runeCount, toStringValue } from './field-values.ts'

const SCHEMES = new Set(['http', 'https', 'ftp', 'tcp', 'udp', 'ws', 'wss'])
const HOST_LABEL =
  /^[A-Za-z0-9_\u00A1-\uFFFF](?:[A-Za-z0-9_\u00A1-\uFFFF-]*[A-Za-z0-9_\u00A1-\uFFFF])?$/
const TLD = /^[A-Za-z\u00A1-\uFFFF]+$/
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** Splits `scheme://` off; undefined scheme when there is none. */
function splitScheme(value: string): { scheme: string | undefined; rest: string } {
  const i = value.indexOf('://')
  if (i < 0) return { scheme: undefined, rest: value }
  return { scheme: value.slice(0, i), rest: value.slice(i + 3) }
}

/** The `host[:port]` part of a URL without scheme (userinfo and path removed). */
function authorityOf(rest: string): { userinfo: string; hostport: string; tail: string } {
  const end = rest.search(/[/?#]/)
  const authority = end < 0 ? rest : rest.slice(0, end)
  const tail = end < 0 ? '' : rest.slice(end)
  const at = authority.lastIndexOf('@')
  return {
    userinfo: at < 0 ? '' : authority.slice(0, at),
    hostport: at < 0 ? authority : authority.slice(at + 1),
    tail,
  }
}

function isHostname(host: string): boolean {
  const h = host.endsWith('.') ? host.slice(0, -1) : host
  if (h === '') return false
  const v4 = IPV4.exec(h)
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) > 0
  const labels = h.split('.')
  if (!labels.every((l) => HOST_LABEL.test(l))) return false
  return labels.length === 1 || TLD.test(labels[labels.length - 1]!)
}

/**
 * Reports whether `value` is a URL as PocketBase's url field accepts it (`is.URL`): an optional
 * lower-case scheme among http(s), ws(s), ftp, tcp, udp; optional `user[:pass]@`; a host name
 * (labels of letters, digits, `_`, inner `-`; an alphabetic TLD when dotted), an IPv4 address or a
 * bracketed IPv6 address; an optional 1–5 digit port; a path/query/fragment without spaces.
 * Scheme-less values such as `example.com/x` are valid; without any `:` the value must contain a
 * dot (`localhost` is not a url); 4–2082 characters.
 */
export function isURL(value: string): boolean {
  const n = runeCount(value)
  if (value.length <= 3 || n >= 2083 || value.startsWith('.')) return false
  const { scheme, rest } = splitScheme(value)
  if (scheme !== undefined && !SCHEMES.has(scheme)) return false
  const { userinfo, hostport, tail } = authorityOf(rest)
  if (/\s/.test(userinfo) || /\s/.test(tail)) return false
  let host = hostport
  const port = /:(\d*)$/.exec(hostport)
  if (port && !hostport.endsWith(']')) {
    if (!/^\d{1,5}$/.test(port[1]!)) return false
    host = hostport.slice(0, port.index)
  }
  if (host.startsWith('[') && host.endsWith(']')) return isIP(host.slice(1, -1)) === 6
  // Without a scheme or port (no `:`), PocketBase parses the value as a path and refuses it
  // unless it contains a dot: `localhost` and `nope/x` are invalid, `x.y/z` is valid.
  if (!value.includes(':') && !value.includes('.')) return false
  return isHostname(host)
}

/**
 * The host PocketBase compares with `onlyDomains`/`exceptDomains` (Go's `url.URL.Host`): the
 * `host[:port]` after `scheme://`; "" for scheme-less values.
 */
export function urlHost(value: string): string {
  const { scheme, rest } = splitScheme(value)
  if (scheme === undefined) return ''
  return authorityOf(rest).hostport
}

/**
 * URLField is PocketBase's `url` field: a string that must be a valid URL, optionally restricted
 * by `onlyDomains` or `exceptDomains` (mutually exclusive; compared to the URL's host).
 */
export class URLField extends DomainListFieldBase implements Field {
  readonly type = 'url'

  async validateValue(
    _ctx: FieldContext,
    record: FieldRecord,
  ): Promise<ValidationError | undefined> {
    const value = toStringValue(record.get(this.name))
    if (value === '') return this.required ? required() : undefined
    if (!isURL(value)) return validationError('validation_invalid_url', 'Must be a valid url.')
    const host = urlHost(value)
    if (!this.domainAllowed(host)) {
      return validationError('validation_url_domain_not_allowed', 'Url domain is not allowed.')
    }
    return undefined
  }
}

registerField('url', (json) => new URLField(json))
